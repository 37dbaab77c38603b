import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Network = apps.get_model("foquale", "Network")
    batch = []
    for network in Network.objects.filter(public_id__isnull=True).only("id").iterator():
        network.public_id = uuid.uuid4()
        batch.append(network)
        if len(batch) >= 500:
            Network.objects.bulk_update(batch, ["public_id"])
            batch = []
    Network.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("foquale", "0002_offer_and_calls")]

    operations = [
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="network",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
