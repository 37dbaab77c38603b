"""`import_structures`: creates the hierarchy, updates it in place, refuses a bad file whole."""

import pytest
from django.core.management import CommandError, call_command

from territories.models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique

pytestmark = pytest.mark.django_db

HEADER = (
    "type_structure;uai;nom;type_etablissement;commune;code_bassin;nom_bassin;code_departement;"
    "nom_departement;code_academie;nom_academie;code_region;nom_region;voies;courriel;telephone;"
    "adresse"
)
HIERARCHY_77 = "77-MELUN;Melun;077;Seine-et-Marne;24;Académie de Créteil;11;Île-de-France"
HIERARCHY_93 = "93-BOBIGNY;Bobigny;093;Seine-Saint-Denis;24;Académie de Créteil;11;Île-de-France"
ROWS = [
    f"CIO;0772694K;CIO de Melun;;Melun;{HIERARCHY_77};;;;",
    f"ETABLISSEMENT;0770930T;Lycée Léonard de Vinci;lpo;Melun;{HIERARCHY_77};G,T,P;"
    "ce.0770930t@ac-creteil.fr;01 64 00 00 00;2 bis rue Édouard Branly, 77000 Melun",
    f"ETABLISSEMENT;0771234Y;Collège Jean Jaurès;Collège;Dammarie-les-Lys;{HIERARCHY_77};;;;",
    f"ETABLISSEMENT;0931234L;CFA de Bobigny;CFA;Bobigny;{HIERARCHY_93};A;;;",
]


def write(tmp_path, rows, *, header=HEADER, encoding="utf-8", name="structures.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return str(path)


def counts():
    return (
        RegionAcademique.objects.count(),
        Academie.objects.count(),
        Departement.objects.count(),
        Bassin.objects.count(),
        CIO.objects.count(),
        Etablissement.objects.count(),
    )


def test_creates_the_whole_hierarchy(tmp_path, capsys):
    call_command("import_structures", write(tmp_path, ROWS))

    assert counts() == (1, 1, 2, 2, 1, 3)
    lycee = Etablissement.objects.get(uai="0770930T")
    assert (lycee.school_type, lycee.commune, lycee.bassin.code) == ("lpo", "Melun", "77-MELUN")
    assert lycee.departement.code == "077"
    assert lycee.departement.academie.region.name == "Île-de-France"
    assert lycee.voies == ["generale", "technologique", "professionnelle"]
    assert lycee.email == "ce.0770930t@ac-creteil.fr"
    assert Etablissement.objects.get(uai="0931234L").voies == ["apprentissage"]
    assert CIO.objects.get().bassin.code == "77-MELUN"
    assert "4 structure(s) lue(s) : 4 créée(s)" in capsys.readouterr().out


def test_rerun_updates_in_place_and_keeps_history(tmp_path, capsys):
    call_command("import_structures", write(tmp_path, ROWS, encoding="cp1252"))
    school_id = Etablissement.objects.get(uai="0771234Y").id
    renamed = [r.replace("77-MELUN;Melun;", "77-MELUN;Melun et Val de Seine;") for r in ROWS]
    renamed[2] = renamed[2].replace(
        "Jean Jaurès;Collège;Dammarie-les-Lys", "Jean Jaurès-Lucie Aubrac;Collège;Melun"
    )

    call_command("import_structures", write(tmp_path, renamed, name="v2.csv"))

    assert counts() == (1, 1, 2, 2, 1, 3)
    college = Etablissement.objects.get(uai="0771234Y")
    assert college.id == school_id
    assert (college.name, college.commune) == ("Collège Jean Jaurès-Lucie Aubrac", "Melun")
    assert college.bassin.name == "Melun et Val de Seine"
    assert college.history.count() == 2
    assert "1 mise(s) à jour, 3 inchangée(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (ROWS[2].replace("0771234Y", "0771234A"), "UAI", "la lettre clé devrait être Y"),
        (ROWS[2].replace("0771234Y", "0931234L"), "UAI", "ne sont pas ceux du département 077"),
        (ROWS[2].replace("Collège;", "Lycée hôtelier;"), "TYPE_ETABLISSEMENT", "inconnu"),
        (ROWS[2].replace("ETABLISSEMENT;", "ECOLE;"), "TYPE_STRUCTURE", "inconnu"),
        (ROWS[2].replace(";Collège Jean Jaurès;", ";;"), "NOM", "NOM manquant"),
        (ROWS[2].replace(";;;;", ";X;;;"), "VOIES", "Voie « X » inconnue"),
        (ROWS[2].replace(";Melun;077", ";Melun-Sud;077"), "CODE_BASSIN", "décrit autrement"),
        (ROWS[1], "UAI", "UAI 0770930T en double"),
        (ROWS[0].replace("0772694K", "0771111P"), "CODE_BASSIN", "a déjà un CIO"),
    ],
)
def test_bad_row_rejects_the_file_and_stores_nothing(tmp_path, capsys, row, column, expected):
    path = write(tmp_path, [*ROWS, row])

    with pytest.raises(CommandError, match="Rien n'a été enregistré"):
        call_command("import_structures", path)

    err = capsys.readouterr().err
    assert f"Ligne 6 [{column}]" in err
    assert expected in err
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_missing_column_is_reported(tmp_path, capsys):
    header = HEADER.replace("code_bassin;", "")
    with pytest.raises(CommandError):
        call_command("import_structures", write(tmp_path, ROWS, header=header))
    assert "Colonne(s) obligatoire(s) absente(s) : CODE_BASSIN" in capsys.readouterr().err
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_another_cio_already_on_the_bassin_rolls_everything_back(tmp_path, capsys):
    call_command("import_structures", write(tmp_path, ROWS))
    moved = [ROWS[0].replace("0772694K", "0771111P"), ROWS[2].replace("Jaurès", "Zay")]

    with pytest.raises(CommandError):
        call_command("import_structures", write(tmp_path, moved, name="v2.csv"))

    assert "a déjà un CIO (0772694K)" in capsys.readouterr().err
    assert Etablissement.objects.get(uai="0771234Y").name == "Collège Jean Jaurès"
    assert CIO.objects.get().uai == "0772694K"
