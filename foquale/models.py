"""FoQualE networks (réseaux Formation Qualification Emploi), domain.md §3."""

from django.db import models


class Network(models.Model):
    name = models.CharField("nom", max_length=200)
    departements = models.ManyToManyField(
        "territories.Departement", related_name="foquale_networks", verbose_name="départements"
    )
    head_school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="headed_networks",
        verbose_name="établissement support",
    )
    schools = models.ManyToManyField(
        "territories.Etablissement",
        related_name="foquale_networks",
        verbose_name="établissements membres",
    )

    class Meta:
        verbose_name = "réseau FoQualE"
        verbose_name_plural = "réseaux FoQualE"
        ordering = ["name"]

    def __str__(self):
        return self.name
