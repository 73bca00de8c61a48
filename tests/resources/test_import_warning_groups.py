"""Hundreds of rows with the same repair (a national file's phone numbers ending in a full stop)
are one line on the preview with the count and the first rows, opened to read each."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources.importing import warning_groups
from resources.models import FacilityImport
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db

NAME, PHONE, CODE, URL = 4, 11, 15, 19


def office(number):
    cells = list(KAIGO_ROWS[0])
    cells[1], cells[NAME], cells[CODE] = str(number), f"ケアプランセンター{number}", f"04701{number:05d}"
    cells[PHONE] = f"093-582-{number:04d}."  # a stray full stop, as in jigyosho_120
    return cells


def test_many_rows_with_one_warning_are_one_line_with_the_count_and_the_first_rows(client_for, cast):
    rows = [office(n) for n in range(1, 121)]
    rows[9][URL] = "これはURLではない"  # one other warning, on row 11
    client = client_for("admin")
    client.post(
        "/resources/import/", {"file": SimpleUploadedFile("jigyosho_430.csv", as_csv(kaigo_rows(rows)))}
    )
    batch = FacilityImport.objects.latest("pk")
    assert batch.status == "ready", batch.failure
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-warnings="121"' in html
    [group] = re.findall(r'<li data-warning-group="(\d+)"><details><summary>(.*?)</summary>', html, re.S)
    assert group[0] == "120"
    assert "「電話番号」: 電話番号の余分な文字を除きました（「…」→「…」）。" in group[1]
    assert "<strong>120件</strong>（2・3・4・5・6行目 ほか）" in group[1]
    # opened: each row's line, up to the page's limit, and how many more
    assert (
        "2行目「電話番号」: 電話番号の余分な文字を除きました（「093-582-0001.」→「093-582-0001」）。" in html
    )
    assert "ほか20件" in html
    # the other warning stays a line of its own
    assert "11行目「URL」: URLとして読めません" in html
    assert html.count("<details>") == 1


def test_a_number_that_differs_between_grouped_warnings_is_left_out_of_the_label():
    warnings = [
        (5, "事業所番号", "2行目と同じ事業所です（番号・名称が同じ）。2行目の内容で取り込みます。"),
        (9, "事業所番号", "7行目と同じ事業所です（番号・名称が同じ）。7行目の内容で取り込みます。"),
        (0, "", "ファイル全体について"),
    ]
    first, whole = warning_groups(warnings)
    assert (
        first["label"]
        == "「事業所番号」: …行目と同じ事業所です（番号・名称が同じ）。…行目の内容で取り込みます。"
    )
    assert (first["count"], first["rows"]) == (2, [5, 9])
    assert (whole["count"], whole["label"]) == (1, "ファイル全体について")
