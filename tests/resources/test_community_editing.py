"""Who adds and edits community resources: coordinators and admins everywhere, a
生活支援コーディネーター within its own 圏域 only (another 圏域's resource answers 404), and nothing else of
the directory or the consultation log. Bad input is named and nothing is half-saved."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Area, Role
from resources.models import CommunityActivity, Facility, FacilityChange, FacilityKind, MeetingRule
from tests.consultations.factories import make_consultation
from tests.resources.community_factories import EVERY_WEDNESDAY, make_community, make_life_support
from tests.resources.factories import make_facility


@pytest.fixture
def sc(cast, client):
    user = make_life_support(cast.daily1)
    client.force_login(user)
    client.user = user
    return client


def form_data(area, kind_code="salon", name="新しいサロン", **extra):
    data = {
        "facility-kind": FacilityKind.objects.get(code=kind_code).pk,
        "facility-name": name,
        "facility-address": "北九州市東区1-1 市民センター",
        "facility-area": area.pk,
        "facility-confirm": "on",
        "activity-organiser": "一丁目町内会",
        "activity-fee": "無料",
        "activity-contact_name": "世話役",
        "activity-contact_phone": "０９３−１１１−２２２２",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "10",
        "rules-0-pattern": "monthly_nth",
        "rules-0-weekday": "1",
        "rules-0-weeks": "24",
        "rules-0-start_time": "10:00",
        "rules-0-end_time": "12:00",
        "rules-0-skips_holidays": "on",
        "rules-1-pattern": "weekly",
        "rules-1-skips_holidays": "on",
    }
    data.update(extra)
    return data


def test_the_coordinator_of_a_life_support_area_adds_one_there(sc, cast):
    response = sc.post(reverse("resources:community_create"), form_data(cast.daily1))
    facility = Facility.objects.get(name="新しいサロン")
    assert response.status_code == 302 and response["Location"] == f"/resources/{facility.pk}/"
    assert facility.area == cast.daily1 and facility.kind.group == FacilityKind.Group.COMMUNITY
    assert facility.confirmed_by == sc.user and facility.confirmed_on is not None
    activity = facility.community
    assert activity.contact_phone == "093-111-2222" and not activity.contact_public
    assert [str(r) for r in activity.rules.all()] == ["第2・第4火曜 10:00〜12:00（祝日は休み）"]
    assert FacilityChange.objects.filter(facility=facility, action="create", user=sc.user).exists()


def test_an_activity_entered_by_its_address_is_placed_on_the_map_near_its_neighbours(sc, cast):
    from decimal import Decimal

    make_facility(
        "東区一丁目医院", area=cast.daily1, address="北九州市東区1-1", latitude=33.9, longitude=130.9
    )
    sc.post(reverse("resources:community_create"), form_data(cast.daily1))
    salon = Facility.objects.get(name="新しいサロン")
    assert (salon.latitude, salon.longitude) == (Decimal("33.900000"), Decimal("130.900000"))
    assert salon.location_approximate
    # A position typed in is kept as typed.
    sc.post(
        reverse("resources:community_edit", args=[salon.pk]),
        form_data(cast.daily1, **{"facility-latitude": "33.95", "facility-longitude": "130.95"}),
    )
    salon.refresh_from_db()
    assert salon.latitude == Decimal("33.950000") and not salon.location_approximate


def test_the_life_support_coordinator_cannot_place_one_in_another_area(sc, cast):
    response = sc.post(reverse("resources:community_create"), form_data(cast.ward2))
    assert response.status_code == 200 and "正しく選択してください" in response.content.decode()
    assert not Facility.objects.filter(name="新しいサロン").exists()
    # The form offers the 圏域 only.
    page = sc.get(reverse("resources:community_create")).content.decode()
    areas = page[page.index('name="facility-area"') :]
    areas = areas[: areas.index("</select>")]
    assert f'<option value="{cast.daily1.pk}"' in areas and f'<option value="{cast.ward2.pk}"' not in areas


def test_the_life_support_coordinator_edits_its_own_areas_resources_only(sc, cast):
    own = make_community("東北サロン", cast.daily1, rules=[EVERY_WEDNESDAY])
    elsewhere = Area.objects.create(name="東南圏域", kind=Area.Kind.DAILY, parent=cast.ward1)
    other = make_community("東南サロン", elsewhere)
    ward_level = make_community("東区全体の見守り", cast.ward1, kind_code="watching")
    assert sc.get(reverse("resources:community_edit", args=[own.pk])).status_code == 200
    for facility in (other, ward_level):
        assert sc.get(reverse("resources:community_edit", args=[facility.pk])).status_code == 404
        assert sc.post(reverse("resources:community_edit", args=[facility.pk]), {}).status_code == 404
    data = form_data(cast.daily1, name="東北サロン（改称）")
    data.update({"rules-INITIAL_FORMS": "0"})
    assert sc.post(reverse("resources:community_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.name == "東北サロン（改称）"
    # The page offers its editors the form, and the 圏域 outside theirs none.
    assert (
        reverse("resources:community_edit", args=[own.pk]) in sc.get(f"/resources/{own.pk}/").content.decode()
    )
    assert (
        reverse("resources:community_edit", args=[other.pk])
        not in sc.get(f"/resources/{other.pk}/").content.decode()
    )


def test_a_medical_facility_is_not_a_community_resource_to_edit(sc, cast, client_for):
    clinic = make_facility("東北医院", area=cast.daily1)
    assert sc.get(reverse("resources:community_edit", args=[clinic.pk])).status_code == 404
    # Coordinators edit every facility, but through the facility form, not this one.
    assert (
        client_for("coordinator").get(reverse("resources:community_edit", args=[clinic.pk])).status_code
        == 404
    )


def test_the_life_support_coordinator_reaches_nothing_else_of_the_directory_or_consultations(sc, cast):
    clinic = make_facility("東北医院", area=cast.daily1)
    consultation = make_consultation(cast.center1)
    for url in (
        reverse("resources:edit", args=[clinic.pk]),
        reverse("resources:create"),
        reverse("resources:import"),
        reverse("resources:change_requests"),
        reverse("consultations:index"),
        reverse("consultations:detail", args=[consultation.pk]),
        reverse("consultations:create"),
    ):
        assert sc.get(url).status_code == 403, url
    assert sc.post(reverse("resources:confirm", args=[clinic.pk])).status_code == 403


def test_the_life_support_coordinators_menu_offers_only_what_it_may_open(sc, cast):
    html = sc.get(reverse("resources:community")).content.decode()
    assert reverse("resources:community_create") in html and reverse("resources:areas") in html
    # 調査 and 相談記録 answer 403 to this role, so the menu does not lead there.
    assert f'href="{reverse("surveys:index")}"' not in html
    assert f'href="{reverse("consultations:index")}"' not in html


def test_anonymous_visitors_go_to_login_and_other_roles_are_refused(client_for, cast):
    salon = make_community("東北サロン", cast.daily1)
    for url in (reverse("resources:community_create"), reverse("resources:community_edit", args=[salon.pk])):
        assert "/accounts/login/" in client_for("anonymous").get(url)["Location"]
        assert client_for("professional").get(url).status_code == 403
        assert client_for("official").get(url).status_code == 403
        assert client_for("coordinator2").get(url).status_code == 200  # the directory's editors


def test_a_bad_rule_is_named_and_nothing_is_saved(sc, cast):
    data = form_data(cast.daily1, **{"rules-0-weeks": "2と4", "rules-0-end_time": "09:00"})
    html = sc.post(reverse("resources:community_create"), data).content.decode()
    assert "第何週かを 1〜5 の数字で入力してください" in html
    assert "終了時刻は開始時刻より後にしてください。" in html
    assert not Facility.objects.filter(name="新しいサロン").exists()
    assert not CommunityActivity.objects.exists() and not MeetingRule.objects.exists()


def test_a_life_support_coordinator_needs_an_area(cast):
    from django.core.exceptions import ValidationError

    from coordination.models import User

    user = User(username="sc2", role=Role.LIFE_SUPPORT)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "圏域" in str(error.value)


def test_the_home_lists_the_life_support_coordinators_own_area_resources(sc, cast):
    make_community("東北サロン", cast.daily1, rules=[EVERY_WEDNESDAY])
    elsewhere = Area.objects.create(name="東南圏域", kind=Area.Kind.DAILY, parent=cast.ward1)
    make_community("東南サロン", elsewhere)
    html = sc.get("/").content.decode()
    assert "東北圏域の地域の活動" in html and "東北サロン" in html and "東南サロン" not in html
    assert reverse("resources:community_create") in html


def test_a_full_width_postcode_is_stored_as_three_and_four_digits(sc, cast):
    data = form_data(cast.daily1, **{"facility-postal_code": "８０１－０８３３"})
    response = sc.post(reverse("resources:community_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    facility = Facility.objects.get(name="新しいサロン")
    assert facility.postal_code == "801-0833"
    assert "801-0833" in sc.get(f"/resources/{facility.pk}/").content.decode()


def test_a_postcode_that_is_not_seven_digits_is_refused_and_nothing_saved(sc, cast):
    data = form_data(cast.daily1, **{"facility-postal_code": "801-083"})
    html = sc.post(reverse("resources:community_create"), data).content.decode()
    assert "郵便番号は7桁の数字で入力してください（例: 801-0833）。「801-083」は読めません。" in html
    assert not Facility.objects.filter(name="新しいサロン").exists()


@pytest.mark.parametrize("typed", ["2・4", "2,4", "２、４", "2 4", "第2・第4", "24", "第２週・第４週"])
def test_the_weeks_of_a_monthly_rule_are_read_as_people_write_them(sc, cast, typed):
    data = form_data(cast.daily1, **{"rules-0-weeks": typed})
    response = sc.post(reverse("resources:community_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = MeetingRule.objects.get()
    assert rule.weeks == "24" and str(rule) == "第2・第4火曜 10:00〜12:00（祝日は休み）"


@pytest.mark.parametrize("typed", ["2と4", "6", "24・5", "第二", "2・4・6・8・9・1"])
def test_other_weeks_are_refused_with_the_one_message(sc, cast, typed):
    data = form_data(cast.daily1, **{"rules-0-weeks": typed})
    html = sc.post(reverse("resources:community_create"), data).content.decode()
    assert html.count("第何週かを 1〜5 の数字で入力してください") == 1
    assert "文字以下" not in html  # no second message about the stored length
    assert not MeetingRule.objects.exists()


def test_a_failed_save_shows_one_banner_and_the_fields_messages(sc, cast):
    data = form_data(cast.daily1, **{"rules-0-weeks": "2と4", "facility-name": ""})
    html = sc.post(reverse("resources:community_create"), data).content.decode()
    assert html.count("data-form-errors") == 1
    assert "確認してください" not in html and "ご確認ください" not in html
    assert "保存できませんでした。赤字のメッセージがある項目を直して、もう一度保存してください。" in html
    assert "第何週かを 1〜5 の数字で入力してください" in html and "この項目は必須です。" in html


def test_a_new_entry_starts_on_the_life_support_coordinators_only_area(sc, cast, client_for):
    assert cast.daily1.descendant_ids() == {cast.daily1.pk}  # one 圏域, nothing below it
    page = sc.get(reverse("resources:community_create")).content.decode()
    assert f'<option value="{cast.daily1.pk}" selected>' in page
    # A coordinator, who may place one anywhere, chooses.
    page = client_for("coordinator").get(reverse("resources:community_create")).content.decode()
    select = page.split('name="facility-area"')[1].split("</select>")[0]
    assert select.count(" selected>") == 1 and '<option value="" selected>' in select


def test_the_life_support_coordinator_records_an_activitys_end_and_it_leaves_the_residents_lists(sc, cast):
    from coordination.models import AuditEvent

    salon = make_community("終わるサロン", cast.daily1, rules=[EVERY_WEDNESDAY])
    page = sc.get(f"/resources/{salon.pk}/").content.decode()
    assert "data-end-activity" in page and "活動の終了を記録する" in page
    response = sc.post(reverse("resources:community_end", args=[salon.pk]), {"closed_on": "2026-11-30"})
    assert response.status_code == 302 and response["Location"] == f"/resources/{salon.pk}/"
    salon.refresh_from_db()
    assert salon.closed_on.isoformat() == "2026-11-30"
    assert FacilityChange.objects.filter(facility=salon, fields=["活動の終了"], user=sc.user).exists()
    assert AuditEvent.objects.filter(
        object_id=str(salon.pk), detail="地域の活動の終了（2026-11-30）"
    ).exists()
    resident = Client()
    assert "終わるサロン" not in resident.get("/resources/community/").content.decode()
    assert "終わるサロン" not in resident.get("/resources/community/print/").content.decode()
    page = resident.get(f"/resources/{salon.pk}/").content.decode()
    assert "この活動は2026年11月30日に終了しました。" in page
    assert "次の開催日" not in page  # an old link or print does not send anyone to a closed room
    assert "終了を取り消す" not in page and "data-end-activity" not in page  # a resident edits nothing
    # A mistake is undone from the same page.
    assert "終了を取り消す" in sc.get(f"/resources/{salon.pk}/").content.decode()
    assert sc.post(reverse("resources:community_resume", args=[salon.pk])).status_code == 302
    salon.refresh_from_db()
    assert (
        salon.closed_on is None and "終わるサロン" in resident.get("/resources/community/").content.decode()
    )


def test_an_end_in_the_future_is_refused_and_another_areas_activity_cannot_be_ended(sc, cast, client_for):
    salon = make_community("続くサロン", cast.daily1)
    elsewhere = Area.objects.create(name="東南圏域", kind=Area.Kind.DAILY, parent=cast.ward1)
    other = make_community("よそのサロン", elsewhere)
    future = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = sc.post(
        reverse("resources:community_end", args=[salon.pk]), {"closed_on": future}, follow=True
    )
    assert "活動の終了: 終了した日：終了した日に未来の日付は入れられません。" in response.content.decode()
    salon.refresh_from_db()
    assert salon.closed_on is None
    for url in (
        reverse("resources:community_end", args=[other.pk]),
        reverse("resources:community_resume", args=[other.pk]),
    ):
        assert sc.post(url, {"closed_on": "2026-11-30"}).status_code == 404
    assert (
        client_for("anonymous").post(reverse("resources:community_end", args=[salon.pk])).status_code == 302
    )
    assert (
        client_for("professional").post(reverse("resources:community_end", args=[salon.pk])).status_code
        == 403
    )
    assert sc.get(reverse("resources:community_end", args=[salon.pk])).status_code == 405
    other.refresh_from_db()
    assert other.closed_on is None
    # A coordinator, who edits every area, may.
    coordinator = client_for("coordinator")
    assert (
        coordinator.post(
            reverse("resources:community_end", args=[other.pk]), {"closed_on": "2026-11-30"}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "answer, stored, shown",
    [
        (None, None, "問い合わせ先にご確認ください"),
        ("True", True, "予約が必要です"),
        ("False", False, "予約はいりません"),
    ],
)
def test_a_booking_nobody_answered_stays_unknown_and_the_page_says_to_ask(sc, cast, answer, stored, shown):
    extra = {} if answer is None else {"activity-booking_required": answer}
    sc.post(reverse("resources:community_create"), form_data(cast.daily1, **extra))
    facility = Facility.objects.get(name="新しいサロン")
    assert facility.community.booking_required is stored
    page = Client().get(f"/resources/{facility.pk}/").content.decode()
    assert f"<dd data-booking>{shown}</dd>" in page


def test_the_booking_choice_offers_the_unknown_answer_first_and_checked(sc, cast):
    page = sc.get(reverse("resources:community_create")).content.decode()
    unknown = page.index("まだ確認していない")
    assert unknown < page.index("予約が必要") < page.index("予約はいらない")
    assert 'name="activity-booking_required" value="" required' not in page
    assert 'value="" id="id_activity-booking_required_0" checked' in page
