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


def print_page(client, query=""):
    response = client.get("/resources/print/?" + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_print_view_says_what_was_searched(client_for, cast, clinic):
    from resources.models import Capability, FacilityKind, Specialty

    clinic.capabilities.add(*Capability.objects.filter(code__in=["home-visit", "house-call"]))
    clinic.specialties.add(Specialty.objects.get(name="内科"))
    clinic.area = cast.ward1
    clinic.save()
    visit, call = (Capability.objects.get(code=c).pk for c in ("home-visit", "house-call"))
    kind = FacilityKind.objects.get(code="clinic").pk
    internal = Specialty.objects.get(name="内科").pk
    query = (
        f"q=窓口&kind={kind}&area={cast.ward1.pk}&specialty={internal}&capabilities={visit}"
        f"&capabilities={call}&near_facility={clinic.pk}&radius=2"
    )
    html = print_page(client_for("professional"), query)
    assert (
        "検索条件: キーワード「窓口」／種別「診療所」／地域「東区」／診療科目「内科」／在宅対応「訪問診療、往診」"
        "／近くの場所「窓口の医院（選んだ施設の位置から）」／範囲「2km以内」"
    ) in html
    assert "窓口の医院" in html and "1件" in html

    html = print_page(client_for("anonymous"), "near=どこにもない町&radius=2")
    assert (
        "近くの場所「どこにもない町（位置が分からないため、距離順の並べ替えも範囲の絞り込みもしていません）」"
        in html
    )
    assert "検索条件: なし（すべての施設）" in print_page(client_for("anonymous"))


def test_the_print_view_shows_when_each_entry_was_last_confirmed(client_for, cast):
    today = datetime.date.today()
    make_facility("確認済み医院", confirmed_on=today - datetime.timedelta(days=30))
    make_facility("古い医院", confirmed_on=datetime.date(2020, 4, 1))
    make_facility("未確認医院")
    html = print_page(client_for("anonymous"))
    assert '<th scope="col">最終確認日</th>' in html
    assert f'<td data-label="最終確認日">{today - datetime.timedelta(days=30):%Y/%-m/%-d}</td>' in html
    assert '<td data-label="最終確認日">2020/4/1<br><small data-stale>1年以上未確認</small></td>' in html
    assert '<td data-label="最終確認日">—<br><small data-stale>未確認</small></td>' in html


@pytest.mark.parametrize(
    ("role", "warned"), [("professional", True), ("coordinator", True), ("anonymous", False)]
)
def test_a_print_with_professionals_only_fields_says_to_handle_it_with_care(client_for, clinic, role, warned):
    clinic.direct_phone, clinic.contact_person = "093-999-0001", "地域連携室"
    clinic.save()
    html = print_page(client_for(role))
    assert ("取り扱いにご注意ください" in html) is warned
    assert ("093-999-0001" in html) is warned
    if warned:  # the windows as the facility page words them, a weekday's each, and the hours to avoid
        assert "月 13:00–14:00 電話（地域連携室へ）<br>木 16:00–17:00 FAX<br>" in html
        assert "<small>避けてほしい時間</small><br>月 09:00–12:00（外来診療中）<br>火 09:00–12:00<br>" in html


def test_the_print_view_puts_the_same_hours_on_several_weekdays_on_one_line(client_for, cast):
    f = make_facility("平日の医院")
    for day in range(5):
        window(f, day, (9, 0), (12, 0), kind=ContactWindow.Kind.AVOID, note="外来診療中")
        window(f, day, (13, 0), (14, 0))
    window(f, 4, (16, 0), (17, 0), method="fax")
    html = print_page(client_for("professional"))
    assert "月・火・水・木・金 13:00–14:00 電話<br>金 16:00–17:00 FAX<br>" in html
    assert "<small>避けてほしい時間</small><br>月・火・水・木・金 09:00–12:00（外来診療中）<br>" in html
