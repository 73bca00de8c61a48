"""An old sheet's own headings: each center kept its log in its own Excel, so 相談日, 相談者, 年齢 …
are read as the portal's columns, a title row above the header is skipped, a separate time
column joins the day, and a column the portal does not keep (No., 備考) is left out and said so,
instead of refusing the whole file."""

import io

import pytest

from consultations import importing
from consultations.models import Consultation, ConsultationImport

pytestmark = pytest.mark.django_db


def parse(text, center=None):
    return importing.parse(text.encode("utf-8-sig"), "old.csv", center)


def test_an_old_sheets_headings_are_read_as_the_columns_they_are(cast):
    result = parse(
        "令和6年度 相談記録（門司・小倉北）,,,,,,\n"
        ",,,,,,\n"
        "No.,相談日,時刻,センター,相談者,年齢,居住区,相談項目,概要,備考\n"
        "1,R6.4.1,10:15,C01,ケアマネ,80代,東,連絡調整,退院後の訪問診療先,済\n"
        "2,2024/4/2,,C01,家族,75歳,西区,その他,介護保険の申請,\n"
    )
    assert result.errors == []
    assert [number for number, *_ in result.rows] == [4, 5]
    first = result.rows[0][1]
    assert (first.received_at.hour, first.received_at.minute) == (10, 15)
    assert first.client_area.name == "東区" and "退院後の訪問診療先" in first.summary
    assert result.notes == [
        "次の列は取り込みません: No.",
        "「受付方法」の列がないため、すべての行を「電話」として取り込みます",
        "「状態」の列がないため、すべての行を「完了」として取り込みます",
        "「備考」の列は、対応内容の最後に「備考: …」として残します",
    ]
    assert first.response == "備考: 済"


def test_headings_with_a_bracketed_note_or_spaces_are_the_same_column(cast):
    result = parse("受付日時（必須）,センター,相談者 区分,相談内容\n2024/4/1 9:00,C01,ケアマネ,連絡調整\n")
    assert result.errors == [] and len(result.rows) == 1


def test_two_columns_that_are_the_same_column_are_refused_naming_both(cast):
    result = parse("相談日,受付日,センター,相談者区分,相談内容\n2024/4/1,2024/4/1,C01,ケアマネ,連絡調整\n")
    (message,) = [m for _, _, m in result.errors]
    assert "「相談日」と「受付日」が、どちらも「受付日時」の列です" in message and "1行目" in message
    assert result.rows == []


def test_a_missing_column_is_named_with_the_row_of_the_header(cast):
    result = parse("表題,,\n相談日,センター,備考\n2024/4/1,C01,x\n")
    (message,) = [m for _, _, m in result.errors]
    assert "必須の列がありません: 相談者区分、相談内容（2行目の見出しを確認してください" in message


def test_the_preview_says_which_columns_are_left_out(client_for, cast):
    upload = io.BytesIO(
        "相談日,センター,相談者,相談項目,備考\n2024/4/1,C01,ケアマネ,連絡調整,メモ\n".encode("cp932")
    )
    upload.name = "old.csv"
    client = client_for("admin")
    client.post("/consultations/import/", {"file": upload})
    batch = ConsultationImport.objects.latest("pk")
    html = client.get(f"/consultations/import/{batch.pk}/").content.decode()
    assert 'data-import-new="1"' in html
    assert "<li data-import-note>「備考」の列は、対応内容の最後に「備考: …」として残します</li>" in html
    assert Consultation.objects.count() == 0  # a preview writes nothing
