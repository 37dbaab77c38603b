import io
import zipfile

import pytest

from imports.sources import (
    AmbiguousEncoding,
    CsvSource,
    ImportFileError,
    decode_bytes,
    detect_encoding,
    open_upload,
    xml_encoding,
)

NAMES = "NOM;PRENOM\nCŒUR;Lœtitia\nŠKODA;Šárka\nŽIŽEK;Žofia\nVAN ŸSER;Éloïse\nDUPRÉ;Noël\n"
LIMIT = 10 * 1024 * 1024


def _rows(raw: bytes, encoding=None):
    source = CsvSource(io.BytesIO(raw), encoding=encoding)
    return source, [fields for _, fields in source.rows()]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8"),
        ("utf-16", "UTF-16"),
        ("iso-8859-15", "ISO-8859-15"),
    ],
)
def test_every_encoding_reads_back_the_names_exactly(encoding, label):
    source, rows = _rows(NAMES.encode(encoding))

    assert source.encoding_label == label
    assert rows[1] == ["CŒUR", "Lœtitia"]
    assert [r[0] for r in rows[1:]] == ["CŒUR", "ŠKODA", "ŽIŽEK", "VAN ŸSER", "DUPRÉ"]


def test_windows_1252_with_its_own_letters_is_told_apart_from_iso_8859_15():
    text = "NOM;PRENOM;NOTE\nCŒUR;Lœtitia;Prix 10 €\nŠKODA;Šárka;\n"
    source, rows = _rows(text.encode("cp1252"))

    assert source.encoding_label == "Windows-1252"
    assert rows[1] == ["CŒUR", "Lœtitia", "Prix 10 €"]


def test_euro_sign_alone_in_iso_8859_15_makes_the_import_ask():
    raw = "NOM;FRAIS\nMARTIN;10 €\n".encode("iso-8859-15")
    with pytest.raises(AmbiguousEncoding) as caught:
        CsvSource(io.BytesIO(raw))

    assert "10 € » en ISO-8859-15" in str(caught.value)
    assert "10 ¤ » en Windows-1252" in str(caught.value)
    source, rows = _rows(raw, encoding="iso-8859-15")
    assert rows[1] == ["MARTIN", "10 €"]


def test_decode_bytes_uses_the_same_detection():
    text, encoding = decode_bytes("nom\nCŒUR\n".encode("iso-8859-15"))
    assert (text, encoding) == ("nom\nCŒUR\n", "iso-8859-15")


def test_cr_only_line_endings_are_lines():
    _, rows = _rows(b"NOM;PRENOM\rMARTIN;Lea\rDURAND;Paul\r")
    assert rows == [["NOM", "PRENOM"], ["MARTIN", "Lea"], ["DURAND", "Paul"]]


def test_detection_leaves_the_stream_at_its_start():
    stream = io.BytesIO("é".encode("cp1252") * 10)
    detect_encoding(stream)
    assert stream.tell() == 0


def test_missing_columns_name_the_headers_read_and_the_separator():
    source = CsvSource(io.BytesIO(b"NOM,PRENOM,INE\nA,B,C\n"))
    source.delimiter = ";"  # as if the file had been read with the wrong separator
    message = source.header_problem(["NOM,PRENOM,INE"], ["NOM"], ["NOM", "PRENOM"])
    assert "Une seule colonne lue avec le séparateur « ; »" in message
    assert "semble séparé par « , »" in message
    assert "En-têtes lus" in message


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_zip_with_one_xml_entry_is_opened():
    xml = b'<?xml version="1.0" encoding="ISO-8859-15"?><BEE_ELEVES/>'
    upload = open_upload(
        _zip({"ElevesSansAdresses.xml": xml}),
        name="ExportXML_ElevesSansAdresses.zip",
        max_bytes=LIMIT,
    )
    try:
        assert (upload.kind, upload.name) == ("xml", "ElevesSansAdresses.xml")
        assert upload.stream.read() == xml
        assert xml_encoding(upload.stream) == "iso-8859-15"
    finally:
        upload.close()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({}, "est vide"),
        ({"a.xml": b"<a/>", "b.xml": b"<b/>"}, "contient 2 fichiers"),
    ],
)
def test_zip_with_zero_or_several_entries_is_refused(entries, message):
    with pytest.raises(ImportFileError, match=message):
        open_upload(_zip(entries), name="export.zip", max_bytes=LIMIT)


def test_zip_bomb_is_refused_before_it_expands():
    bomb = _zip({"ElevesSansAdresses.xml": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(ImportFileError, match="suspecte|au-delà"):
        open_upload(bomb, name="bombe.zip", max_bytes=LIMIT)


def test_zip_larger_than_the_limit_once_expanded_is_refused():
    big = _zip({"ElevesSansAdresses.xml": b"<a>" + b"x" * 3000 + b"</a>"})
    with pytest.raises(ImportFileError, match="taille autorisée"):
        open_upload(big, name="gros.zip", max_bytes=2000)


def test_truncated_zip_is_refused():
    data = _zip({"ElevesSansAdresses.xml": bytes(range(256)) * 400}).getvalue()
    with pytest.raises(ImportFileError, match="illisible ou incomplète"):
        open_upload(io.BytesIO(data[: len(data) // 2]), name="coupe.zip", max_bytes=LIMIT)


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n\0\0\0IHDR", b"abc\0def"])
def test_binary_files_are_refused_in_french(raw):
    with pytest.raises(ImportFileError, match="ni un fichier CSV"):
        open_upload(io.BytesIO(raw), name="photo.png", max_bytes=LIMIT)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ImportFileError, match="vide"):
        open_upload(io.BytesIO(b""), name="vide.csv", max_bytes=LIMIT)
    with pytest.raises(ImportFileError, match="taille autorisée"):
        open_upload(io.BytesIO(b"x" * 100), name="gros.csv", max_bytes=10)
