"""The territorial diagnosis of a network (seed 002: "un diagnostic de territoire partagé"):
the dropout indicator of the reports app on the network's schools, compared with the
académie. Same engine, same rule, same figures as the report API."""

from dataclasses import dataclass

from reports import summary
from reports.indicators import DROPOUTS, aggregate, is_summary, present, scoped, source


@dataclass
class Diagnosis:
    years: list[int]
    year: int | None
    masked: bool
    by_school_voie: list[dict]
    by_school_voie_level: list[dict]
    network_by_voie: list[dict]
    academie_by_voie: list[dict]
    network_trend: list[dict]
    academie_trend: list[dict]


def build_diagnosis(network, user, *, year: int | None = None) -> Diagnosis:
    role = user.active_role
    masked = not role.is_nominative
    base = scoped(DROPOUTS, user).filter(school__foquale_networks=network)
    years = sorted(base.order_by().values_list("school_year", flat=True).distinct())
    if year not in years:
        year = years[-1] if years else None
    academie = source(DROPOUTS).filter(
        school__departement__academie_id=network.head_school.departement.academie_id
    )
    refresh = summary.latest_refresh(DROPOUTS.slug) if is_summary(DROPOUTS, base) else None
    secondary = summary.masks_for(refresh) if masked else frozenset()
    whole_network = {"territoire_niveau": "reseau", "territoire_code": str(network.public_id)}

    def show(rows, territory, **fixed):
        if territory == "reseau":
            fixed = {**whole_network, **fixed}
        return [
            present(
                DROPOUTS, r, territory=territory, masked=masked, secondary=secondary, fixed=fixed
            )
            for r in rows
        ]

    this_year = base.filter(school_year=year)
    return Diagnosis(
        years=years,
        year=year,
        masked=masked,
        by_school_voie=show(
            aggregate(DROPOUTS, this_year, dimensions=["voie"]), "etablissement", annee=year
        ),
        by_school_voie_level=show(
            aggregate(DROPOUTS, this_year, dimensions=["voie", "niveau"]),
            "etablissement",
            annee=year,
        ),
        network_by_voie=show(
            aggregate(DROPOUTS, this_year, territory=None, dimensions=["voie"]),
            "reseau",
            annee=year,
        ),
        academie_by_voie=show(
            aggregate(
                DROPOUTS,
                academie.filter(school_year=year),
                territory="academie",
                dimensions=["voie"],
            ),
            "academie",
            annee=year,
        ),
        network_trend=show(
            aggregate(DROPOUTS, base, territory=None, dimensions=["annee"]), "reseau"
        ),
        academie_trend=show(
            aggregate(DROPOUTS, academie, territory="academie", dimensions=["annee"]), "academie"
        ),
    )
