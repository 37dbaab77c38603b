"""Deep pages of the pupil list (page and API) by signed cursor: every pupil of the scope exactly
once and in order, even while pupils are added during the walk; a cursor that was tampered with
never answers 500; a cursor never widens the scope."""

import datetime as dt
import html
import re

import pytest
from django.core import signing
from django.urls import reverse

from config import keyset
from students.models import Student

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-testid="student-row"><td><a href="/eleves/([0-9a-f-]{36})/"')


def _link(text: str, label: str) -> str | None:
    found = re.search(r'href="([^"]*)">' + label + "<", text)
    return html.unescape(found.group(1)) if found else None


def _pupils(school, names, ine_from):
    """Pupils written in one statement (the school of record is kept by the triggers)."""
    rows = [
        Student(
            ine=f"{ine_from + i:09d}KS",
            last_name=last,
            first_name=first,
            birth_date=dt.date(2008, 1, 1),
            current_school=school,
            level="TPRO",
            voie="professionnelle",
        )
        for i, (last, first) in enumerate(names)
    ]
    return Student.objects.bulk_create(rows)


def _ordered(user):
    return [
        str(p)
        for p in Student.objects.visible_to(user)
        .order_by("last_name", "first_name", "id")
        .values_list("public_id", flat=True)
    ]


def _crowd(school, count, ine_from=0):
    # Many equal names, so that the order rests on the first name then the id.
    return _pupils(school, [(f"NOM{i % 9:02d}", f"Prénom{i % 4}") for i in range(count)], ine_from)


def test_walking_the_list_by_cursor_shows_every_pupil_once_in_order(world, client_for):
    _crowd(world.school_a, 380)
    _crowd(world.school_d, 60, ine_from=10_000)  # another département: never listed
    client = client_for(world.users.chef_a)
    expected = _ordered(world.users.chef_a)
    assert len(expected) == 380
    url, seen, numbers = reverse("students:list"), [], []
    while url:
        response = client.get(url if url.startswith("/") else reverse("students:list") + url)
        assert response.status_code == 200
        seen += ROW.findall(response.text)
        numbers.append(re.search(r'title="Page (\d+)"', response.text).group(1))
        url = _link(response.text, "Page suivante")
        assert url is None or "apres=" in url
    assert seen == expected
    assert numbers == [str(n) for n in range(1, 9)]
    assert "8 / 8" in response.text


def test_pupils_added_during_the_walk_do_not_shift_the_pages(world, client_for):
    _crowd(world.school_a, 200)
    client = client_for(world.users.chef_a)
    before = _ordered(world.users.chef_a)
    base = reverse("students:list")
    first = client.get(base).text
    seen = ROW.findall(first)
    nxt = _link(first, "Page suivante")
    # Added between two pages: one sorts before the pupils already seen, one after.
    early, late = _pupils(world.school_a, [("AAA", "Avant"), ("ZZZ", "Après")], 50_000)
    while nxt:
        text = client.get(base + nxt).text
        seen += ROW.findall(text)
        nxt = _link(text, "Page suivante")
    assert len(seen) == len(set(seen))
    assert str(early.public_id) not in seen  # sorted before the page already read
    assert seen == [p for p in _ordered(world.users.chef_a) if p != str(early.public_id)]
    assert seen[-1] == str(late.public_id) and set(before) <= set(seen)


def test_first_pages_by_number_deep_pages_by_cursor_both_ways(world, client_for):
    _crowd(world.school_a, 420)  # 9 pages
    client = client_for(world.users.chef_a)
    expected = _ordered(world.users.chef_a)
    base = reverse("students:list")
    third = client.get(base, {"page": 3}).text
    assert _link(third, "Page précédente") == "?page=2"
    assert _link(third, "Première page") == "?page=1"
    last = client.get(base + _link(third, "Dernière page")).text
    assert "9 / 9" in last and ROW.findall(last) == expected[400:]
    assert _link(last, "Page suivante") is None
    # Backwards from the last page: pages 8, 7 and 6 by cursor, then 5 by number.
    text = last
    for number in (8, 7, 6):
        previous = _link(text, "Page précédente")
        assert "avant=" in previous
        text = client.get(base + previous).text
        assert f"{number} / 9" in text
        assert ROW.findall(text) == expected[(number - 1) * 50 : number * 50]
    assert _link(text, "Page précédente") == "?page=5"


def test_filters_travel_with_the_cursor(world, client_for):
    _crowd(world.school_a, 120)
    _pupils(world.school_a, [("DURAND", f"Élève{i:03d}") for i in range(60)], 20_000)
    client = client_for(world.users.chef_a)
    base = reverse("students:list")
    first = client.get(base, {"q": "durand"}).text
    nxt = _link(first, "Page suivante")
    assert nxt.startswith("?q=durand&apres=")
    second = client.get(base + nxt).text
    names = re.findall(r"DURAND Élève(\d{3})", first + second)
    assert names == [f"{i:03d}" for i in range(60)]


@pytest.mark.parametrize(
    "query",
    [
        "apres=nimportequoi",
        "avant=",
        "apres=" + signing.dumps([1, 2], salt="autre"),  # signed for something else
        "apres=" + signing.dumps(["x", 2], salt=keyset.SALT),
        "apres=" + signing.dumps([5, 0], salt=keyset.SALT),
        "apres=" + signing.dumps([10**12, 3], salt=keyset.SALT),  # no such pupil
    ],
)
def test_a_bad_cursor_shows_page_one_with_a_notice(world, client_for, query):
    _crowd(world.school_a, 60)
    response = client_for(world.users.chef_a).get(reverse("students:list") + "?" + query)
    assert response.status_code == 200
    assert "Le lien de pagination n&#x27;est pas valide" in response.text
    assert "1 / 2" in response.text
    assert ROW.findall(response.text) == _ordered(world.users.chef_a)[:50]


def test_a_tampered_cursor_is_refused_by_the_api_in_french(world, api_for):
    _crowd(world.school_a, 12)
    api = api_for(world.users.chef_a)
    nxt = api.get("/api/v1/eleves/", {"page_size": 5}).json()["next"]
    token = re.search(r"apres=([^&]+)", nxt).group(1)
    response = api.get("/api/v1/eleves/", {"apres": token[:-2] + "xx"})
    assert response.status_code == 400
    assert "lien de pagination n'est pas valide" in response.json()["errors"]["apres"][0]
    assert api.get("/api/v1/eleves/", {"avant": "x"}).status_code == 400


def test_api_walk_by_cursor_under_inserts(world, api_for):
    _crowd(world.school_a, 40)
    _crowd(world.school_b, 30, ine_from=10_000)  # same bassin, another school
    api = api_for(world.users.chef_a)
    data = api.get("/api/v1/eleves/", {"page_size": 7}).json()
    assert data["previous"] is None and "apres=" in data["next"] and "page_size=7" in data["next"]
    seen = [row["id"] for row in data["results"]]
    late = _pupils(world.school_a, [("ZZZ", "Dernier")], 30_000)[0]
    pages = 1
    while data["next"]:
        data = api.get(data["next"]).json()
        seen += [row["id"] for row in data["results"]]
        pages += 1
        if pages == 7:
            assert "avant=" in data["previous"]  # page 6: past the numbered pages
    assert seen == _ordered(world.users.chef_a)
    assert seen[-1] == str(late.public_id) and data["count"] == 41 and pages == 6


def test_a_cursor_does_not_widen_the_scope(world, client_for, api_for):
    _crowd(world.school_a, 80)
    _crowd(world.school_d, 8, ine_from=10_000)
    nxt = _link(client_for(world.users.chef_a).get(reverse("students:list")).text, "Page suivante")
    # An outsider replaying another school's cursor sees only the pupils of their own scope.
    text = client_for(world.users.chef_d).get(reverse("students:list") + nxt).text
    mine = set(_ordered(world.users.chef_d))
    assert set(ROW.findall(text)) <= mine
    api_next = api_for(world.users.chef_a).get("/api/v1/eleves/", {"page_size": 5}).json()["next"]
    other = api_for(world.users.chef_d).get(api_next).json()
    assert {row["id"] for row in other["results"]} <= mine
    assert api_for(world.users.norole).get(api_next).status_code == 404


def test_a_cursor_page_costs_the_queries_of_page_one_plus_the_boundary(
    world, client_for, api_for, django_assert_num_queries
):
    _crowd(world.school_a, 160)
    client = client_for(world.users.chef_a)
    base = reverse("students:list")
    nxt = _link(client.get(base).text, "Page suivante")
    client.get(base + nxt)  # session and cached menu settled
    # Session, account, roles, exceptional access, count, [boundary], rows, read log, schools
    # of the filter, reminders badge.
    with django_assert_num_queries(9):
        client.get(base)
    with django_assert_num_queries(10):
        client.get(base + nxt)
    api = api_for(world.users.chef_a)
    api_next = api.get("/api/v1/eleves/").json()["next"]
    # Token, roles, exceptional access, count, [boundary], rows, read log.
    with django_assert_num_queries(6):
        api.get("/api/v1/eleves/")
    with django_assert_num_queries(7):
        api.get(api_next)
