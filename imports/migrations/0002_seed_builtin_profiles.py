"""Write the built-in column profiles (results, SIEI lists, absences) as editable data."""

from django.db import migrations


def seed(apps, schema_editor):
    from imports.builtin import BUILTIN_PROFILES

    ImportProfile = apps.get_model("imports", "ImportProfile")
    for data in BUILTIN_PROFILES:
        values = {k: v for k, v in data.items() if k not in ("kind", "name")}
        ImportProfile.objects.get_or_create(kind=data["kind"], name=data["name"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
