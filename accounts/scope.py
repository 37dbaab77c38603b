"""The scope a structure gives: one implementation for staff roles and report clients."""

from django.db.models import Q

from .enums import ScopeLevel


class StructureScope:
    """Needs `scope_level` and the `<structure>_id` attributes of RoleAssignment."""

    def structure_q(self, prefix: str = "") -> Q:
        """Q over Etablissement rows (through `prefix`) inside the structure."""
        level = self.scope_level
        if level == ScopeLevel.ETABLISSEMENT:
            return Q(**{f"{prefix}id": self.etablissement_id})
        if level == ScopeLevel.BASSIN:
            return Q(**{f"{prefix}bassin_id": self.bassin_id})
        if level == ScopeLevel.RESEAU:
            return Q(**{f"{prefix}foquale_networks": self.network_id})
        if level == ScopeLevel.DEPARTEMENT:
            return Q(**{f"{prefix}departement_id": self.departement_id})
        if level == ScopeLevel.ACADEMIE:
            return Q(**{f"{prefix}departement__academie_id": self.academie_id})
        return Q(pk__in=[])

    def pupil_q(self) -> Q:
        """Q over Student rows whose school of record lies in the structure: one indexed
        column per level (record_school, record_bassin, record_departement), so the cost of a
        pupil list or count follows the scope, not the size of the académie."""
        from territories.models import Departement, Etablissement

        level = self.scope_level
        if level == ScopeLevel.ETABLISSEMENT:
            return Q(record_school_id=self.etablissement_id)
        if level == ScopeLevel.BASSIN:
            return Q(record_bassin_id=self.bassin_id)
        if level == ScopeLevel.RESEAU:
            schools = Etablissement.objects.filter(foquale_networks=self.network_id)
            return Q(record_school_id__in=schools.values("id"))
        if level == ScopeLevel.DEPARTEMENT:
            return Q(record_departement_id=self.departement_id)
        if level == ScopeLevel.ACADEMIE:
            deps = Departement.objects.filter(academie_id=self.academie_id)
            return Q(record_departement_id__in=deps.values("id"))
        return Q(pk__in=[])

    def departement_ids(self) -> list[int]:
        """Départements the structure reaches (for département-level objects like commissions)."""
        from territories.models import Departement

        level = self.scope_level
        if level == ScopeLevel.DEPARTEMENT:
            return [self.departement_id]
        if level == ScopeLevel.ACADEMIE:
            return list(
                Departement.objects.filter(academie_id=self.academie_id).values_list(
                    "id", flat=True
                )
            )
        if level == ScopeLevel.ETABLISSEMENT:
            return [self.etablissement.departement_id]
        if level == ScopeLevel.BASSIN:
            return [self.bassin.departement_id]
        return list(self.network.schools.values_list("departement_id", flat=True).distinct())
