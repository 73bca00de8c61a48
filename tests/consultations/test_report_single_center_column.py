"""A 月報 of one center (a coordinator's, a ward with one center, ?center=) shows one column of
numbers: its 合計, its own column and, for a closed month, the 現在値 beside 提出値 are the same
numbers. Several centers keep 合計, each center, 最少/最大 and 現在値 (the closed centers' figures
now, which differ from the 合計 when some have not closed). The downloads keep every column."""

import csv
import io
import re

import pytest

from coordination.models import Role, User
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def august(cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 8, 20, 9, 0), "訪問看護", ["看取りに関する事"])
    make_consultation(cast.center2, (2026, 8, 4, 9, 0), "ケアマネジャー", ["その他"])
    return cast


def header(page):
    thead = re.search(r"<thead>.*?</thead>", page.split("data-report-table", 1)[1], re.S).group(0)
    return re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', thead)


def cells(page, section, item):
    row = re.search(rf'data-section="{section}" data-item="{item}"[^>]*>.*?</tr>', page, re.S).group(0)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


def report(client, query):
    return client.get("/consultations/reports/?" + query).content.decode()


def close_august(client_for):
    client_for("coordinator").post(
        "/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8}
    )


def test_a_coordinators_report_has_one_column_of_numbers(client_for, august):
    page = report(client_for("coordinator"), "year=2026&month=8")
    assert header(page) == ["区分", "項目", "C01", "年度累計"]
    assert cells(page, "相談件数", "延べ件数") == ["2", "2"]  # the month, the 年度累計
    assert re.search(
        r'data-section="相談件数" data-item="延べ件数"[^>]*>.*?<td class="num" data-total>2</td>', page, re.S
    )
    # A closed month: 提出値 and 提出後の修正 beside the one column, no 現在値 repeating it.
    close_august(client_for)
    make_consultation(august.center1, (2026, 8, 25, 14, 0), "ケアマネジャー", ["その他"])
    page = report(client_for("coordinator"), "year=2026&month=8")
    assert header(page) == ["区分", "項目", "C01", "年度累計", "提出値", "提出後の修正"]
    now, cumulative, submitted, difference = cells(page, "相談件数", "延べ件数")
    assert (now, cumulative, submitted) == ("3", "3", "2") and "提出後の修正 +1" in difference


def test_an_official_choosing_one_center_or_a_ward_with_one_center_sees_one_column(
    client_for, august, client
):
    close_august(client_for)
    page = report(client_for("official"), "year=2026&month=8&center=C01")
    assert header(page) == ["区分", "項目", "C01", "年度累計", "提出値", "提出後の修正"]
    ward_official = User.objects.create_user("ward-official", role=Role.OFFICIAL, ward=august.ward1)
    client.force_login(ward_official)
    # One column of figures; the 前年度同期 and 増減 follow (test_report_previous_year_comparison).
    shown = header(report(client, "fiscal_year=2026"))
    assert shown[:3] == ["区分", "項目", "C01"] and shown[-1] == "増減"


def test_several_centers_keep_the_total_each_center_the_range_and_the_closed_centers_current(
    client_for, august
):
    close_august(client_for)  # C01 closed, C02 not: 現在値 (C01's now) is not the 合計
    page = report(client_for("official"), "year=2026&month=8")
    assert header(page) == [
        "区分", "項目", "合計", "C01", "C02", "最少", "最大",
        "年度累計", "累計 最少", "累計 最大", "提出値", "現在値", "提出後の修正",
    ]  # fmt: skip
    row = cells(page, "相談件数", "延べ件数")
    assert (row[0], row[1], row[2], row[-2]) == ("3", "2", "1", "2")  # 合計, C01, C02, 現在値


def test_the_download_of_one_center_keeps_every_column(client_for, august):
    close_august(client_for)
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=8&format=csv")
    head = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert head[2:4] == ["合計", "C01"] and head[-3:] == ["提出値", "現在値", "提出後の修正"]
