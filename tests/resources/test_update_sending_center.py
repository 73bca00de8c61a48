"""The 確認依頼 letter (and its print view, the same page) and the email name the center they come
from, with its phone and FAX: the center covering the facility's area (a 圏域's ward), else the
center of the user who issued the link; with none, the staff are told what the admin must set."""

from django.core import mail

from coordination.models import Center
from resources import updates
from resources.models import ConfirmationRound, UpdateLink
from tests.resources.factories import make_facility


def _center(center, phone="093-111-0001", fax="093-111-0002"):
    Center.objects.filter(pk=center.pk).update(phone=phone, fax=fax, address="北九州市東区1-1")
    center.refresh_from_db()
    return center


def test_the_letter_names_the_center_of_the_facilitys_area_with_its_phone_and_fax(client_for, cast):
    center = _center(cast.center1)
    facility = make_facility("東北医院", area=cast.daily1)  # a 圏域 of 東区, which center1 covers
    link = UpdateLink.objects.create(facility=facility, created_by=cast.coordinator2)
    html = client_for("coordinator2").get(f"/resources/links/{link.pk}/letter/").content.decode()
    letter = html[html.index("data-letter") :]
    assert f'data-sending-center="{center.code}"' in letter
    assert "東センター" in letter and "電話 093-111-0001" in letter and "FAX 093-111-0002" in letter
    assert "東センター（FAX 093-111-0002）へFAXしてください" in letter
    assert "data-center-gaps" not in html


def test_without_an_area_the_letter_comes_from_the_issuing_users_center(client_for, cast):
    _center(cast.center2, phone="093-222-0001", fax="093-222-0002")
    facility = make_facility("地域なし医院")
    link = UpdateLink.objects.create(facility=facility, created_by=cast.coordinator2)
    html = client_for("coordinator").get(f"/resources/links/{link.pk}/letter/").content.decode()
    assert "西センター" in html and "FAX 093-222-0002" in html


def test_with_no_center_the_staff_are_told_what_to_set_instead_of_a_blank(client_for, cast):
    facility = make_facility("地域なし医院")
    link = UpdateLink.objects.create(facility=facility, created_by=cast.admin)
    html = client_for("admin").get(f"/resources/links/{link.pk}/letter/").content.decode()
    assert "data-sending-center" not in html and "FAX </" not in html
    assert updates.NO_SENDING_CENTER in html
    links_page = client_for("admin").get(f"/resources/{facility.pk}/links/").content.decode()
    assert updates.NO_SENDING_CENTER in links_page


def test_a_center_without_phone_or_fax_is_named_with_what_is_missing(client_for, cast):
    _center(cast.center1, phone="093-111-0001", fax="")
    link = UpdateLink.objects.create(facility=make_facility("東区医院", area=cast.ward1))
    html = client_for("coordinator").get(f"/resources/links/{link.pk}/letter/").content.decode()
    assert "「東センター」のFAX番号が登録されていません" in html
    assert "東センターへお送りください" in html and "FAX </" not in html


def test_the_email_names_the_sending_center_with_its_phone_and_fax(client_for, cast):
    _center(cast.center1)
    facility = make_facility("東区医院", area=cast.ward1)
    link = UpdateLink.objects.create(facility=facility, email="clinic@example.jp")
    client_for("coordinator").post(f"/resources/links/{link.pk}/send/")
    body = mail.outbox[0].body
    assert "東センターです。" in body and "電話 093-111-0001" in body and "FAX 093-111-0002" in body


def test_a_rounds_emails_name_each_facilitys_center(client_for, cast):
    _center(cast.center1)
    _center(cast.center2, phone="093-222-0001", fax="093-222-0002")
    make_facility("東区医院", area=cast.ward1, contact_email="east@example.jp")
    make_facility("西区医院", area=cast.ward2, contact_email="west@example.jp")
    client_for("admin").post(
        "/resources/rounds/", {"name": "2026年度", "kind": "", "area": "", "remind_after_days": "21"}
    )
    assert ConfirmationRound.objects.count() == 1
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "東センター" in bodies["east@example.jp"] and "FAX 093-111-0002" in bodies["east@example.jp"]
    assert "西センター" in bodies["west@example.jp"] and "FAX 093-222-0002" in bodies["west@example.jp"]


def test_the_letter_and_the_email_give_the_center_as_the_same_lines(client_for, cast):
    center = _center(cast.center1)
    assert center.contact_lines() == [
        "東センター",
        "北九州市東区1-1",
        "電話 093-111-0001",
        "FAX 093-111-0002",
    ]
    facility = make_facility("東区医院", area=cast.ward1)
    link = UpdateLink.objects.create(facility=facility, email="clinic@example.jp")
    client = client_for("coordinator")
    html = client.get(f"/resources/links/{link.pk}/letter/").content.decode()
    assert f'data-sending-center="{center.code}">' + "<br>".join(center.contact_lines()) + "</p>" in html
    assert "ご不明な点は、上記の東センターへお電話でお問い合わせください。" in html
    client.post(f"/resources/links/{link.pk}/send/")
    assert "お問い合わせください。\n" + "\n".join(center.contact_lines()) + "\n" in mail.outbox[0].body


def test_a_center_without_an_address_leaves_no_blank_line(client_for, cast):
    Center.objects.filter(pk=cast.center1.pk).update(phone="", fax="093-111-0002", address="")
    cast.center1.refresh_from_db()
    assert cast.center1.contact_lines() == ["東センター", "FAX 093-111-0002"]


def test_the_round_page_counts_the_facilities_whose_letters_would_name_no_center(client_for, cast):
    from resources.models import Facility

    make_facility("地域なし医院")
    make_facility("東区医院", area=cast.ward1)  # center1 covers 東区
    client_for("admin").post(
        "/resources/rounds/", {"name": "全施設", "kind": "", "area": "", "remind_after_days": "21"}
    )
    round_ = ConfirmationRound.objects.get()
    html = client_for("admin").get(f"/resources/rounds/{round_.pk}/").content.decode()
    warning = html.split("data-round-no-sender>", 1)[1].split("</p>", 1)[0]
    assert "差出人のセンターが決まらない施設が1件あります" in warning and updates.NO_SENDING_CENTER in warning
    # Once the facility has an area a center covers, the warning goes.
    Facility.objects.filter(name="地域なし医院").update(area=cast.ward1)
    assert (
        "data-round-no-sender"
        not in client_for("admin").get(f"/resources/rounds/{round_.pk}/").content.decode()
    )
