"""The backup-bed list read on a phone at night: one group per hospital (those taking patients
today first) headed by the number to call, a tap on a phone, and each bed a card of labelled
lines (table--cards with data-label cells) instead of six narrow columns."""

import re

import pytest

from rota import panels
from tests.rota.factories import local, make_backup_bed, make_hospital

pytestmark = pytest.mark.django_db


@pytest.fixture
def beds(cast, monkeypatch):
    monkeypatch.setattr(panels, "now", lambda: local(2027, 1, 8, 23, 0))
    # あおば has no beds today (only from the 20th): it comes after さくら, which has.
    aoba = make_hospital("あおば病院", code="4010000001", phone="093-100-0001", direct_phone="093-100-9999")
    sakura = make_hospital("さくら病院", code="4010000002", phone="093-200-0002", direct_phone="")
    make_backup_bed(cast.center1, aoba, start=(2027, 1, 20), end=(2027, 1, 31), beds=4)
    make_backup_bed(
        cast.center1, sakura, start=(2027, 1, 1), end=(2027, 1, 10), beds=2, conditions="登録患者のみ"
    )
    make_backup_bed(cast.center2, sakura, start=(2027, 1, 5), end=(2027, 1, 31), beds=1)
    return aoba, sakura


def _groups(html):
    return re.findall(r'<tbody data-bed-hospital="(\d+)">(.*?)</tbody>', html, re.S)


def test_the_beds_are_grouped_by_hospital_with_todays_first(client_for, beds):
    html = client_for("professional").get("/rota/backup-beds/").content.decode()
    groups = _groups(html)
    assert [code for code, _ in groups] == ["4010000002", "4010000001"]
    sakura, aoba = groups[0][1], groups[1][1]
    assert sakura.count("<tr data-backup-bed=") == 2 and "今日 3床" in sakura and "登録患者のみ" in sakura
    assert aoba.count("<tr data-backup-bed=") == 1 and "今日は受入なし" in aoba and "4床" in aoba
    assert html.count("<tbody") == 2  # each hospital once, not once per bed


def test_each_hospital_shows_its_direct_line_else_its_phone_as_a_tap_to_call(client_for, beds):
    groups = dict(_groups(client_for("professional").get("/rota/backup-beds/").content.decode()))
    assert '直通 <a href="tel:093-100-9999" data-bed-phone>093-100-9999</a>' in groups["4010000001"]
    assert "093-100-0001" not in groups["4010000001"]
    assert '電話 <a href="tel:093-200-0002" data-bed-phone>093-200-0002</a>' in groups["4010000002"]


def test_on_a_phone_each_bed_is_a_card_of_labelled_cells(client_for, beds):
    html = client_for("coordinator").get("/rota/backup-beds/").content.decode()
    assert '<table class="table--cards table--beds">' in html
    for row in re.findall(r"<tr data-backup-bed=.*?</tr>", html, re.S):
        cells = re.findall(r"<td[^>]*>", row)
        assert len(cells) == 6 and all("data-label=" in cell for cell in cells), row


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_visitors_and_officials_do_not_get_the_list(client_for, beds, role):
    response = client_for(role).get("/rota/backup-beds/")
    assert response.status_code in (302, 403)
    assert "093-100-9999" not in response.content.decode()
