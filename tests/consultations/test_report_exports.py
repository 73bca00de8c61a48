"""The 月報 XLSX (年度累計 columns, the center's name in the title), charts' titles, and
suppression of small counts in exports marked for publication."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.consultations.factories import make_consultation


@pytest.fixture
def months(cast):
    for day in (3, 4, 5, 6, 7, 10):
        make_consultation(cast.center1, (2026, 7, day, 10, 0), "ケアマネジャー", ["その他"])
    make_consultation(cast.center1, (2026, 8, 3, 10, 0), "ケアマネジャー", ["連絡調整"])
    return cast


def test_monthly_xlsx_has_the_fiscal_year_cumulative_columns_and_the_center_name(client_for, months):
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=8&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["相談実績"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("東センター 相談実績 2026年8月")
    header_index = next(i for i, r in enumerate(rows) if r[0] == "区分")
    header = list(rows[header_index])
    # One center: no 最少/最大, which would repeat its figure (the screen leaves them out too).
    assert header == ["区分", "項目", "合計", "C01", "年度累計", "累計 C01"]
    line = next(r for r in rows if r[0] == "相談者" and r[1] == "合計")
    assert line[2] == 1 and line[4] == 7  # August 1; April–August 7


def test_publication_export_shows_counts_below_five_as_a_dash(client_for, months):
    # Exports write the full-width 「－」: a half-width "-" would get the formula-safe quote.
    response = client_for("admin").get("/consultations/reports/?fiscal_year=2026&format=csv&publish=1")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {(r[0], r[1]): r for r in table[1:]}
    assert by_key[("相談者", "合計")][2] == "7"  # 5 or more: shown
    assert by_key[("相談内容", "連絡調整")][2] == "－"  # 1: suppressed
    assert by_key[("相談内容", "看取りに関する事")][2] == "0"  # zero stays 0
    internal = client_for("admin").get("/consultations/reports/?fiscal_year=2026&format=csv")
    assert "－" not in [r[2] for r in csv.reader(io.StringIO(internal.content.decode("utf-8-sig")))][1:]


def test_the_threshold_is_a_setting(client_for, months, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 1  # nothing below 1 but 0
    response = client_for("admin").get("/consultations/reports/?fiscal_year=2026&format=csv&publish=1")
    by_key = {(r[0], r[1]): r for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert by_key[("相談内容", "連絡調整")][2] == "1"


def test_every_chart_has_a_title(client_for, months):
    html = client_for("official").get("/consultations/reports/?year=2026&month=8").content.decode()
    data = json.loads(re.search(r'id="report-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert set(data["titles"]) == {"monthly", "types", "topics"}
    assert all(data["titles"].values())
    assert html.count("<figcaption") == 3
