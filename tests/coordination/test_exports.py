"""The shared CSV/Excel writing (coordination.exports)."""

import datetime
import io
import zoneinfo

from openpyxl import load_workbook

from coordination.exports import csv_bytes, xlsx_bytes


def test_a_moment_is_written_in_japan_time_in_a_workbook_and_a_csv():
    moment = datetime.datetime(2026, 12, 2, 3, 54, tzinfo=datetime.UTC)  # 12:54 in Tokyo
    # openpyxl refuses an aware datetime: without the conversion this raised, a server error.
    book = load_workbook(io.BytesIO(xlsx_bytes([("回答", ["回答日時"], [[moment]])])))
    assert book["回答"]["A2"].value == datetime.datetime(2026, 12, 2, 12, 54)
    assert "2026-12-02 12:54:00" in csv_bytes(["回答日時"], [[moment]]).decode("utf-8-sig")
    # A moment already in Tokyo time stays as it is.
    tokyo = moment.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert "2026-12-02 12:54:00" in csv_bytes(["回答日時"], [[tokyo]]).decode("utf-8-sig")
