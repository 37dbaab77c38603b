from rest_framework import serializers

from territories.models import Etablissement


class EtablissementSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement.code", read_only=True)
    bassin = serializers.CharField(source="bassin.code", read_only=True)
    voies = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Etablissement
        fields = ["uai", "name", "school_type", "commune", "departement", "bassin", "voies"]
