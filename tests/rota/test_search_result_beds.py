"""A hospital's backup beds on its card in the directory's search results (the `search_results`
annotations of coordination.extensions, registered by rota): for professionals and staff only,
beds valid today with their conditions, else the day the next ones start; one query per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rota import panels
from tests.rota.factories import local, make_backup_bed, make_hospital

URL = "/resources/?q=病院"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(panels, "now", lambda: local(2027, 1, 15, 21, 0))


def card(html, name):
    """The search result card (its <li>) of the facility named `name`."""
    start = html.index(f">{name}</a>")
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


@pytest.mark.parametrize("role", ["professional", "coordinator", "admin"])
def test_a_hospital_with_beds_today_says_so_on_its_card_for_professionals_and_staff(cast, client_for, role):
    hospital = make_hospital("東部後方病院")
    make_backup_bed(
        cast.center1,
        hospital,
        start=(2027, 1, 10),
        end=(2027, 1, 20),
        beds=2,
        conditions="登録患者のみ。\n夜間は要電話",
    )
    make_backup_bed(
        cast.center2, hospital, start=(2027, 1, 15), end=(2027, 1, 15), beds=1, conditions="登録患者のみ"
    )
    make_hospital("病床なし病院")
    html = client_for(role).get(URL).content.decode()
    row = card(html, "東部後方病院")
    assert 'data-result-beds="today"' in row
    assert (
        "後方支援病床 <strong>今日3床</strong></a>（登録患者のみ）</p>" in row
    )  # both rows, the condition once
    assert 'href="/rota/backup-beds/"' in row
    assert "data-result-beds" not in card(html, "病床なし病院")


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_anonymous_visitors_and_officials_see_no_beds_on_the_cards(cast, client_for, role):
    make_backup_bed(cast.center1, make_hospital("東部後方病院"), start=(2027, 1, 10), end=(2027, 1, 20))
    html = client_for(role).get(URL).content.decode()
    assert "東部後方病院" in html
    assert "data-result-beds" not in html and "後方支援病床" not in html


def test_beds_that_ended_are_not_shown_and_beds_to_come_say_from_when(cast, client_for):
    make_backup_bed(cast.center1, make_hospital("終了病院"), start=(2027, 1, 1), end=(2027, 1, 14))
    coming = make_hospital("予定病院")
    make_backup_bed(cast.center1, coming, start=(2027, 1, 20), end=(2027, 1, 31), beds=3)
    make_backup_bed(cast.center1, coming, start=(2027, 2, 1), end=(2027, 2, 28), beds=5)
    html = client_for("professional").get(URL).content.decode()
    assert "data-result-beds" not in card(html, "終了病院")
    row = card(html, "予定病院")
    assert 'data-result-beds="2027-01-20"' in row
    assert "後方支援病床 1月20日から3床</a></p>" in row and "今日" not in row  # the next start only


def test_a_hospital_with_beds_today_and_later_shows_today_only(cast, client_for):
    hospital = make_hospital("両方病院")
    make_backup_bed(cast.center1, hospital, start=(2027, 1, 15), end=(2027, 1, 15), beds=1)
    make_backup_bed(cast.center1, hospital, start=(2027, 1, 16), end=(2027, 1, 31), beds=4)
    row = card(client_for("professional").get(URL).content.decode(), "両方病院")
    assert "今日1床</strong></a>" in row and "から" not in row  # no conditions: no brackets


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL).content.decode()
    return len(ctx.captured_queries), html


def test_the_beds_cost_one_query_for_the_page_whatever_the_number_of_hospitals(cast, client_for):
    client = client_for("professional")
    make_backup_bed(cast.center1, make_hospital("病院0"), start=(2027, 1, 10), end=(2027, 1, 20))
    client.get(URL)  # warm the session
    one, _ = _queries(client)
    for i in range(1, 8):
        make_backup_bed(cast.center1, make_hospital(f"病院{i}"), start=(2027, 1, 10), end=(2027, 1, 20))
        make_hospital(f"病床なし{i}病院")
    eight, html = _queries(client)
    assert html.count('data-result-beds="today"') == 8
    assert eight == one
