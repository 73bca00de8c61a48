"""受付名簿 (A4 sign-in sheet) and the export of registrations with attendance: staff of the
event's center only, in the door list's name order."""

import csv
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from coordination.models import AuditEvent
from tests.training.factories import make_event
from training.models import AttendanceCount

pytestmark = pytest.mark.django_db


def event_with_people(cast):
    event = make_event(cast.center1)
    people = {
        n: event.register(name=n, organisation=org, profession=cast.nurse)
        for n, org in [
            ("わたなべ 花", "□□病院"),
            ("アベ 一郎", "△△薬局"),
            ("さとう 次郎", "=cmd|' /C calc'!A0"),
        ]
    }
    people["さとう 次郎"].toggle_check_in()
    event.cancel(event.register(name="取消 三郎", organisation="○○", profession=cast.nurse))
    return event, people


def test_the_roster_lists_those_signed_up_in_name_order_with_empty_tick_and_signature_columns(
    client_for, cast
):
    event, _ = event_with_people(cast)
    page = client_for("coordinator").get(f"/training/{event.pk}/registrations/print/").content.decode()
    names = re.findall(r'data-roster-person="([^"]+)"', page)
    assert names == ["アベ 一郎", "さとう 次郎", "わたなべ 花"]  # no cancelled one
    assert '<th scope="col" class="roster-tick">当日受付</th>' in page and ">署名</th>" in page
    # The tick column is empty for those not yet checked in: it is ticked by hand.
    row = page[page.index('data-roster-person="アベ 一郎"') :]
    row = row[: row.index("</tr>")]
    assert '<td data-label="当日受付" class="roster-tick"></td>' in row
    assert page.count("data-roster-blank") == 8  # lines for walk-ins


def test_the_roster_marks_those_already_checked_in_with_the_time(client_for, cast):
    # A copy printed after the door opened: a blank cell would read as "not come yet".
    event, people = event_with_people(cast)
    at = timezone.localtime(people["さとう 次郎"].checked_in_at)
    page = client_for("coordinator").get(f"/training/{event.pk}/registrations/print/").content.decode()
    row = page[page.index('data-roster-person="さとう 次郎"') :]
    row = row[: row.index("</tr>")]
    assert (
        f'<td data-label="当日受付" class="roster-tick"><span data-roster-checked-in>受付済 {at:%H:%M}</span></td>'
        in row
    )
    assert page.count("data-roster-checked-in") == 1
    assert "申込 3名（五十音順）　うち受付済 1名" in page


def test_the_export_csv_has_every_registration_with_its_attendance_formula_safe(client_for, cast):
    event, _ = event_with_people(cast)
    response = client_for("coordinator").get(f"/training/{event.pk}/registrations/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["氏名", "ふりがな", "所属", "職種", "連絡先メール", "状態", "当日受付"]
    assert [r[0] for r in rows[1:]] == ["アベ 一郎", "さとう 次郎", "わたなべ 花", "取消 三郎"]
    satou = rows[2]
    assert satou[2].startswith("'=") and satou[5] == "参加確定" and satou[6] == "○" and satou[7]
    assert rows[4][5] == "取消" and rows[4][6] == ""
    # Names and addresses of people: the download is in the audit log with its file name.
    assert AuditEvent.objects.filter(action="export", detail__contains="参加申込_").exists()


def test_the_export_xlsx_has_the_attendance_by_profession_with_its_total(client_for, cast):
    event, _ = event_with_people(cast)
    AttendanceCount.objects.create(event=event, profession=cast.care_manager, count=5)
    response = client_for("coordinator").get(f"/training/{event.pk}/registrations/export/?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["参加申込", "職種別参加人数"]
    counts = [[c.value for c in row] for row in book["職種別参加人数"].iter_rows(min_row=3)]
    assert counts == [["看護師", 1], ["介護支援専門員", 5], ["合計", 6]]


@pytest.mark.parametrize("url", ["registrations/print/", "registrations/export/?format=csv"])
def test_only_the_events_center_and_admins_get_the_roster_and_the_export(client_for, cast, url):
    event, _ = event_with_people(cast)
    assert client_for("admin").get(f"/training/{event.pk}/{url}").status_code == 200
    assert client_for("coordinator2").get(f"/training/{event.pk}/{url}").status_code == 404
    assert client_for("professional").get(f"/training/{event.pk}/{url}").status_code == 403
    assert client_for("anonymous").get(f"/training/{event.pk}/{url}").status_code == 302


def test_an_unknown_export_format_is_not_found(client_for, cast):
    event, _ = event_with_people(cast)
    assert (
        client_for("coordinator").get(f"/training/{event.pk}/registrations/export/?format=pdf").status_code
        == 404
    )


def test_the_event_page_links_to_the_roster_and_the_export(client_for, cast):
    event, _ = event_with_people(cast)
    page = client_for("coordinator").get(event.get_absolute_url()).content.decode()
    assert f'href="/training/{event.pk}/registrations/print/">受付名簿を印刷' in page
    assert f'href="/training/{event.pk}/registrations/export/?format=xlsx"' in page
