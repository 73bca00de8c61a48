"""What the search's CSV/Excel export and its A4 print view say: the windows as the facility page
words them, the distance of a 近い順 search, the conditions searched and the care they need."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from resources.models import ContactWindow
from tests.resources.factories import make_facility


def window(facility, weekday, start, end, kind=ContactWindow.Kind.CALL, method="phone", note=""):
    ContactWindow.objects.create(
        facility=facility,
        weekday=weekday,
        start=datetime.time(*start),
        end=datetime.time(*end),
        kind=kind,
        method=method,
        note=note,
    )


def csv_rows(client, query=""):
    response = client.get("/resources/export.csv?" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def clinic(cast):
    f = make_facility("窓口の医院", latitude=33.880, longitude=130.875)
    window(f, 0, (13, 0), (14, 0), note="地域連携室へ")
    window(f, 3, (16, 0), (17, 0), method="fax")
    window(f, 0, (9, 0), (12, 0), kind=ContactWindow.Kind.AVOID, note="外来診療中")
    window(f, 1, (9, 0), (12, 0), kind=ContactWindow.Kind.AVOID)
    return f


def test_the_export_words_each_kind_of_window_as_the_facility_page_does(client_for, clinic):
    (row,) = csv_rows(client_for("professional"))
    assert row["ケアマネタイム"] == "月 13:00-14:00 電話（地域連携室へ）; 木 16:00-17:00 FAX"
    # An hour to avoid has no way to call then; its note says why.
    assert row["連絡を避けてほしい時間"] == "月 09:00-12:00（外来診療中）; 火 09:00-12:00"


def test_the_export_of_a_near_search_says_each_facilitys_distance(client_for, clinic):
    make_facility("北の医院", latitude=33.900, longitude=130.875)
    make_facility("位置のない医院")
    client = client_for("professional")
    rows = csv_rows(client, f"near_facility={clinic.pk}")
    assert list(rows[0])[list(rows[0]).index("名称") + 1] == "距離（km）"
    assert [(r["名称"], r["距離（km）"]) for r in rows] == [("窓口の医院", "0.0"), ("北の医院", "2.2")]
    assert "距離（km）" not in csv_rows(client)[0]  # no origin, no distance

    sheet = load_workbook(
        io.BytesIO(client.get(f"/resources/export.xlsx?near_facility={clinic.pk}").content)
    ).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(3, header.index("距離（km）") + 1).value == 2.2  # a number, not text
