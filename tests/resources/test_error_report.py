"""「この情報の誤りを知らせる」: a signed-in user of the directory tells the center that a facility's
entry is wrong; the report lands on the re-check list (情報誤り, who reported it, the center of the
facility's area) and on the staff's home page, and the entry itself is not changed."""

import re

from coordination.models import AuditEvent
from resources.models import Recheck
from tests.resources.factories import make_facility


def _report(client, facility, **data):
    return client.post(f"/resources/{facility.pk}/report/", data)


def test_a_care_manager_reports_a_changed_number_and_it_waits_on_the_recheck_list(client_for, cast):
    facility = make_facility("東区医院", area=cast.ward1, phone="093-111-1111")
    client = client_for("professional")
    response = _report(
        client, facility, items=["phone", "capabilities"], detail="電話が093-222-2222に変わった"
    )
    assert response.status_code == 302 and response["Location"] == f"/resources/{facility.pk}/"
    recheck = Recheck.objects.get()
    assert recheck.reason == Recheck.Reason.WRONG and recheck.closed_at is None
    assert recheck.detail == "電話番号・FAX番号・在宅対応・診療科目: 電話が093-222-2222に変わった"
    assert (
        recheck.origin == "利用者からの報告: professional（専門職）"
        and recheck.created_by == cast.professional
    )
    assert recheck.center == cast.center1  # the center covering 東区, whose staff check it
    facility.refresh_from_db()
    assert facility.phone == "093-111-1111"  # the entry waits for the staff
    assert AuditEvent.objects.filter(
        action="create", object_type__icontains="recheck", user=cast.professional
    ).exists()
    page = client.get(f"/resources/{facility.pk}/").content.decode()
    assert "お知らせいただきありがとうございます" in page
    listing = client_for("coordinator").get("/resources/rechecks/").content.decode()
    assert f'data-recheck="{recheck.pk}"' in listing and "利用者からの報告: professional" in listing
    home = client_for("coordinator").get("/").content.decode()
    assert 'data-open-rechecks="1"' in home and "確認を待っている施設が1件あります" in home
    assert "data-open-rechecks" not in client_for("professional").get("/").content.decode()


def test_a_report_without_what_is_wrong_is_refused_and_nothing_is_saved(client_for, cast):
    facility = make_facility("東区医院", area=cast.ward1)
    page = _report(client_for("official"), facility, items=["phone"], detail=" ").content.decode()
    assert "どこがどう違っているかを書いてください。" in page
    assert re.search(r'value="phone" id="id_items_\d+" checked', page)  # what was ticked stays ticked
    assert not Recheck.objects.exists()
    long = _report(client_for("official"), facility, detail="あ" * 251).content.decode()
    assert "250字以内で書いてください（いま251字）。" in long and not Recheck.objects.exists()


def test_who_sees_the_way_to_report_and_who_may_send_one(client_for, cast):
    facility = make_facility("東区医院", area=cast.ward1)
    anonymous = client_for("anonymous")
    public = anonymous.get(f"/resources/{facility.pk}/").content.decode()
    assert "data-report-error" in public and f"/resources/{facility.pk}/report/" not in public
    assert 'href="/centers/"' in public.split("data-report-error", 1)[1].split("</p>", 1)[0]
    response = anonymous.get(f"/resources/{facility.pk}/report/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for role in ("professional", "official"):
        page = client_for(role).get(f"/resources/{facility.pk}/").content.decode()
        assert f'href="/resources/{facility.pk}/report/"' in page
        assert (
            "data-error-report" in client_for(role).get(f"/resources/{facility.pk}/report/").content.decode()
        )
    # Staff who keep the directory edit it instead: their page has the editing buttons, not the report.
    assert (
        "data-report-error"
        not in client_for("coordinator").get(f"/resources/{facility.pk}/").content.decode()
    )
    assert client_for("professional").get("/resources/999999/report/").status_code == 404


def test_the_professional_page_links_straight_to_the_direct_line_and_hours(client_for, cast):
    facility = make_facility("東区医院", area=cast.ward1)
    page = client_for("professional").get(f"/resources/{facility.pk}/").content.decode()
    assert 'href="#pro-heading" data-to-professional' in page and 'id="pro-heading"' in page
    assert (
        "data-to-professional"
        not in client_for("anonymous").get(f"/resources/{facility.pk}/").content.decode()
    )
