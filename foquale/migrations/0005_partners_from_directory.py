"""FoQualE's partners join the one directory: each becomes (or meets) the entry of its
network's département; networks and actions point at the directory entries."""

import django.db.models.deletion
from django.db import migrations, models

# FoQualE's « Région (DRE, SPRO) » is the directory's SPRO kind.
KINDS = {"region": "spro"}


def fold_partners(apps, schema_editor):
    FoqualePartner = apps.get_model("territories", "FoqualePartner")
    Partner = apps.get_model("territories", "Partner")
    PartnerContact = apps.get_model("territories", "PartnerContact")
    Network = apps.get_model("territories", "Network")
    RemediationAction = apps.get_model("foquale", "RemediationAction")
    mapping = {}
    for old in FoqualePartner.objects.order_by("pk").iterator():
        network = (
            Network.objects.filter(partners=old).select_related("head_school").order_by("pk").first()
        )
        if network is None:
            action = (
                RemediationAction.objects.filter(partner=old)
                .select_related("network__head_school")
                .order_by("pk")
                .first()
            )
            network = action.network if action else None
        departement_id = network.head_school.departement_id if network else None
        kind = KINDS.get(old.kind, old.kind)
        entry = Partner.objects.filter(
            departement_id=departement_id, partner_type=kind, name=old.name
        ).first()
        if entry is None:
            entry = Partner.objects.create(
                departement_id=departement_id,
                partner_type=kind,
                name=old.name,
                email=old.email,
                phone=old.phone,
            )
            if old.contact_name:
                PartnerContact.objects.create(partner=entry, name=old.contact_name)
        mapping[old.pk] = entry.pk
    for network in Network.objects.prefetch_related("partners"):
        network.directory_partners.add(*[mapping[p.pk] for p in network.partners.all()])
    for old_id, new_id in mapping.items():
        RemediationAction.objects.filter(partner_id=old_id).update(directory_partner_id=new_id)


class Migration(migrations.Migration):
    dependencies = [
        ("foquale", "0004_network_and_partner_to_territories"),
        ("territories", "0005_partner_directory_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="remediationaction",
            name="directory_partner",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="actions", to="territories.partner", verbose_name="partenaire"),
        ),
        migrations.RunPython(fold_partners, migrations.RunPython.noop),
    ]
