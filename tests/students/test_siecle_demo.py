"""The demo lycée written as SIECLE ZIPs reads back through the real import."""

import pytest
from django.core.management import call_command

from students.models import ExitSignal, Student

pytestmark = pytest.mark.django_db


def test_demo_school_as_siecle_zips_imports_back(tmp_path, capsys):
    call_command("load_demo", "--pupils", "300", "--without-apps", "--siecle-zips", str(tmp_path))
    before = Student.objects.count()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ExportXML_ElevesSansAdresses.zip", "ExportXML_ResponsablesAvecAdresses.zip"]

    call_command("import_siecle", str(tmp_path))

    assert Student.objects.count() == before + 2
    assert ExitSignal.objects.count() == 2
    assert set(ExitSignal.objects.values_list("kind", flat=True)) == {"mlds", "instruction"}
