"""Tous droits ouverts name their partner from the one directory (territories.Partner and
PartnerContact) instead of free text.

Each path's free text is matched to the directory of its school's département (or of the whole
académie) by name, case and spaces ignored, preferring the same type; a structure not found
is added to the département's directory with the path's type ("autre" when there was none),
and a contact not found is added to the structure's contacts. Nothing is lost: the text as it
was typed is written to the path's history (one event, text in the comment and the payload).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone

NOTE = "Structure partenaire rattachée à l'annuaire des partenaires"
KIND_LABELS = {
    "mission_locale": "Mission locale",
    "cio": "CIO",
    "cfa": "CFA",
    "e2c": "École de la deuxième chance (E2C)",
    "epide": "EPIDE",
    "afpa": "AFPA",
    "greta": "GRETA",
    "service_civique": "Structure d'accueil de service civique",
    "prepa_apprentissage": "Prépa apprentissage",
    "micro_lycee": "Micro-lycée",
    "spro": "Région : service public régional de l'orientation (SPRO, DRE)",
    "operateur_emploi": "Opérateur public de l'emploi (France Travail…)",
    "association": "Association",
    "entreprise": "Entreprise",
    "autre": "Autre",
}


def _clean(text):
    return " ".join((text or "").split())


def link_partners(apps, schema_editor):
    Tdo = apps.get_model("prevention", "Tdo")
    PathEvent = apps.get_model("prevention", "PathEvent")
    Partner = apps.get_model("territories", "Partner")
    PartnerContact = apps.get_model("territories", "PartnerContact")
    rows = Tdo.objects.filter(~Q(partner_kind="") | ~Q(partner_name="") | ~Q(partner_contact=""))
    for tdo in rows.select_related("school").order_by("pk").iterator():
        departement_id = tdo.school.departement_id
        kind = tdo.partner_kind or "autre"
        name = _clean(tdo.partner_name)[:200] or KIND_LABELS.get(kind, "Structure partenaire")
        same = Partner.objects.filter(
            Q(departement_id=departement_id) | Q(departement__isnull=True), name__iexact=name
        ).order_by(F("departement_id").asc(nulls_last=True), "pk")
        partner = same.filter(partner_type=kind).first() or same.first()
        if partner is None:
            partner = Partner.objects.create(
                departement_id=departement_id, partner_type=kind, name=name
            )
        contact = None
        contact_name = _clean(tdo.partner_contact)[:150]
        if contact_name:
            contact = (
                PartnerContact.objects.filter(partner=partner, name__iexact=contact_name)
                .order_by("pk")
                .first()
            ) or PartnerContact.objects.create(partner=partner, name=contact_name)
        Tdo.objects.filter(pk=tdo.pk).update(partner=partner, contact=contact)
        typed = {
            "partner_kind": tdo.partner_kind,
            "partner_name": tdo.partner_name,
            "partner_contact": tdo.partner_contact,
        }
        PathEvent.objects.create(
            student_id=tdo.student_id,
            tdo_id=tdo.pk,
            kind="tdo",
            action="",
            from_state=tdo.status,
            to_state=tdo.status,
            label=NOTE,
            comment=(
                f"Saisi avant l'annuaire : {tdo.partner_name or '—'} "
                f"({KIND_LABELS.get(tdo.partner_kind, 'type non précisé')}), "
                f"contact : {tdo.partner_contact or '—'}."
            ),
            payload={"saisie": typed, "partner_id": partner.pk},
            at=timezone.now(),
        )


def unlink_partners(apps, schema_editor):
    """Back to free text: the text typed is restored from the history where there is one,
    otherwise taken from the directory."""
    Tdo = apps.get_model("prevention", "Tdo")
    PathEvent = apps.get_model("prevention", "PathEvent")
    for tdo in Tdo.objects.filter(partner__isnull=False).select_related("partner", "contact"):
        event = PathEvent.objects.filter(tdo_id=tdo.pk, label=NOTE).order_by("-pk").first()
        typed = (event.payload or {}).get("saisie") if event else None
        if typed is None:
            typed = {
                "partner_kind": tdo.partner.partner_type,
                "partner_name": tdo.partner.name,
                "partner_contact": tdo.contact.name if tdo.contact_id else "",
            }
        Tdo.objects.filter(pk=tdo.pk).update(**typed)
    PathEvent.objects.filter(label=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0004_transition_log_base"),
        ("territories", "0006_drop_foquale_partners"),
    ]

    operations = [
        migrations.AddField(
            model_name="tdo",
            name="partner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="territories.partner",
                verbose_name="structure partenaire",
            ),
        ),
        migrations.AddField(
            model_name="tdo",
            name="contact",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="territories.partnercontact",
                verbose_name="contact chez le partenaire",
            ),
        ),
        migrations.RunPython(link_partners, unlink_partners),
        migrations.RemoveConstraint(model_name="tdo", name="tdo_running_has_partner_and_dates"),
        migrations.AddConstraint(
            model_name="tdo",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["en_parcours", "clos"]), _negated=True),
                    models.Q(
                        ("partner__isnull", False),
                        ("end_date__isnull", False),
                        ("start_date__isnull", False),
                        ("end_date__gt", models.F("start_date")),
                    ),
                    _connector="OR",
                ),
                name="tdo_running_has_partner_and_dates",
            ),
        ),
        migrations.RemoveField(model_name="tdo", name="partner_kind"),
        migrations.RemoveField(model_name="tdo", name="partner_name"),
        migrations.RemoveField(model_name="tdo", name="partner_contact"),
    ]
