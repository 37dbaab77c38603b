"""Every import form refuses, in French and before reading, a file too large for its kind,
a binary file or a spreadsheet; and reads ISO-8859-15 names correctly."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = {
    "absences": ("referent_a", "prevention:absence_import"),
    "siei": ("mlds1", "mlds:siei_import"),
    "resultats": ("chef_a", "dossiers:import"),
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_each_kind_has_its_own_size_limit(world, client_for, settings, kind):
    settings.IMPORT_MAX_BYTES = {**settings.IMPORT_MAX_BYTES, kind: 100}
    persona, url = PAGES[kind]
    response = client_for(getattr(world.users, persona)).post(
        reverse(url), {"file": SimpleUploadedFile("gros.csv", b"ine;nom\n" + b"x;y\n" * 50)}
    )
    assert response.status_code in (200, 400)
    assert "dépasse la taille autorisée pour cet import (100" in unescape(response.text)


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0IHDR", "ni un fichier CSV"),
        ("classeur.xlsx", b"PK\x03\x04\x14\0\0\0", "enregistrez la feuille au format CSV"),
    ],
)
def test_binary_files_are_refused_before_reading(world, client_for, kind, name, content, message):
    persona, url = PAGES[kind]
    response = client_for(getattr(world.users, persona)).post(
        reverse(url), {"file": SimpleUploadedFile(name, content)}
    )
    assert message in unescape(response.text)


def test_siei_list_in_iso_8859_15_keeps_its_letters(
    world, client_for, django_capture_on_commit_callbacks
):
    from students.models import Student

    text = "nom;prenom;date_naissance\nCŒUR;Lœtitia;14/03/2008\n"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.users.mlds1).post(
            reverse("mlds:siei_import"),
            {"file": SimpleUploadedFile("siei.csv", text.encode("iso-8859-15"))},
        )
    assert Student.objects.get().first_name == "Lœtitia"
