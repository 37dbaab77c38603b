from rest_framework import serializers

from ..enums import Dimension, TerritoryLevel

DIMENSIONS_PATTERN = r"^((voie|niveau|annee)(,(voie|niveau|annee)){0,2})?$"


class ReportQuerySerializer(serializers.Serializer):
    """How to group an indicator (filters are in the family's FilterSet)."""

    territoire = serializers.ChoiceField(
        choices=TerritoryLevel.choices,
        default=TerritoryLevel.ETABLISSEMENT,
        error_messages={"invalid_choice": "Niveau de territoire inconnu : « {input} »."},
    )
    par = serializers.RegexField(
        DIMENSIONS_PATTERN,
        required=False,
        allow_blank=True,
        default="voie,niveau,annee",
        error_messages={
            "invalid": "Regroupement invalide : valeurs permises voie, niveau, annee, "
            "séparées par des virgules."
        },
    )

    def validate_par(self, value):
        dims = value.split(",") if value else []
        if len(set(dims)) != len(dims):
            raise serializers.ValidationError("Chaque regroupement n'est permis qu'une fois.")
        return [Dimension(d) for d in dims]


class MeasureSerializer(serializers.Serializer):
    nom = serializers.CharField()
    libelle = serializers.CharField()
    type = serializers.ChoiceField(choices=[("effectif", "effectif"), ("taux", "taux")])


class FamilySerializer(serializers.Serializer):
    code = serializers.CharField(source="slug")
    libelle = serializers.CharField(source="label")
    definition = serializers.CharField()
    mesures = serializers.SerializerMethodField()

    def get_mesures(self, family) -> list[dict]:
        return MeasureSerializer(
            [
                {"nom": m.name, "libelle": m.label, "type": "taux" if m.is_rate else "effectif"}
                for m in family.measures
            ],
            many=True,
        ).data


class IndicatorRowSerializer(serializers.Serializer):
    territoire_niveau = serializers.ChoiceField(choices=TerritoryLevel.choices)
    territoire_code = serializers.CharField()
    territoire_nom = serializers.CharField()
    voie = serializers.CharField(allow_null=True, required=False)
    niveau = serializers.CharField(allow_null=True, required=False)
    annee = serializers.IntegerField(allow_null=True, required=False)
    valeurs = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Effectifs et taux (en %) ; null quand la cellule est masquée (moins de 5 "
        "élèves) ou le taux sans dénominateur.",
    )
    masquees = serializers.ListField(
        child=serializers.CharField(), help_text="Mesures masquées (secret statistique)."
    )


class DropoutEnrolmentSerializer(serializers.Serializer):
    eleve = serializers.UUIDField(source="student.public_id")
    ine = serializers.CharField(source="student.ine", allow_null=True)
    nom = serializers.CharField(source="student.last_name")
    prenom = serializers.CharField(source="student.first_name")
    date_naissance = serializers.DateField(source="student.birth_date")
    etablissement = serializers.CharField(source="school.uai")
    annee = serializers.IntegerField(source="school_year")
    voie = serializers.CharField()
    niveau = serializers.CharField(source="level")
    date_sortie = serializers.DateField(source="exit_date", allow_null=True)
    motif_sortie = serializers.CharField(source="exit_reason")
    decrocheur = serializers.BooleanField(source="is_dropout")
