"""A professional withdraws their own sign-up from the event page, until the event begins, through
the same cancellation staff make (training/services.py), so the waiting list moves up alike."""

import datetime

import pytest
from django.utils import timezone

from coordination.models import AuditEvent, Role, User
from tests.training.factories import make_event
from training.models import Registration

pytestmark = pytest.mark.django_db

PHONE = "093-111-2222"


@pytest.fixture
def center(cast):
    cast.center1.phone = PHONE
    cast.center1.save()
    return cast.center1


def sign_up(client, event, cast):
    client.post(
        f"/training/{event.pk}/register/",
        {"name": "professional", "organisation": "△△ケアプラン", "profession": cast.care_manager.pk},
    )
    return event.registrations.get(user=cast.professional)


def others(event, cast, *names):
    return [event.register(name=n, organisation="○○病院", profession=cast.nurse) for n in names]


def url(registration):
    return f"/training/{registration.event_id}/my-registration/{registration.pk}/cancel/"


def statuses(event):
    return list(event.registrations.order_by("created_at", "pk").values_list("name", "status"))


def cancel_audits(registration):
    return list(
        AuditEvent.objects.filter(
            object_type="training.Registration", object_id=str(registration.pk), action="update"
        ).values_list("detail", flat=True)
    )


def test_a_professional_cancels_their_confirmed_sign_up_after_a_confirmation_step(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1, title="退院支援研修")
    client = client_for("professional")
    mine = sign_up(client, event, cast)
    waiting_b, waiting_c = others(event, cast, "B", "C")
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert f'action="{url(mine)}"' in page and "申込を取り消す" in page
    # The first click only asks: nothing is cancelled yet.
    confirm = client.post(url(mine))
    body = confirm.content.decode()
    assert (
        confirm.status_code == 200 and "はい、申込を取り消す" in body and 'name="confirm" value="1"' in body
    )
    assert statuses(event) == [("professional", "confirmed"), ("B", "waitlisted"), ("C", "waitlisted")]
    response = client.post(url(mine), {"confirm": "1"}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/training/{event.pk}/"
    assert "この研修の申込を取り消しました。" in body
    # The first on the waiting list moved up, as when staff cancel; the next keeps waiting.
    assert statuses(event) == [("professional", "cancelled"), ("B", "confirmed"), ("C", "waitlisted")]
    assert event.registrations.confirmed().count() == event.capacity
    assert cancel_audits(mine) == ["申込を取消（Bさんが繰り上げ）"]
    assert AuditEvent.objects.get(object_id=str(mine.pk), action="update").user == cast.professional
    # Their page offers the sign-up again (on the waiting list now: B took the seat), never B's name.
    assert "この研修にキャンセル待ちで申し込む" in body and "data-cancel-mine" not in body
    assert "data-my-status" not in body and "Bさん" not in body


@pytest.mark.parametrize("path", ["staff", "own"])
def test_own_and_staff_cancellation_leave_the_same_seats_and_waiting_list(client_for, cast, center, path):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=2)
    client = client_for("professional")
    (a,) = others(event, cast, "A")
    mine = sign_up(client, event, cast)
    others(event, cast, "C", "D")
    if path == "staff":
        client_for("coordinator").post(
            f"/training/{event.pk}/registrations/{mine.pk}/cancel/", {"confirm": "1"}
        )
    else:
        client.post(url(mine), {"confirm": "1"})
    assert statuses(event) == [
        ("A", "confirmed"),
        ("professional", "cancelled"),
        ("C", "confirmed"),
        ("D", "waitlisted"),
    ]
    assert cancel_audits(mine) == ["申込を取消（Cさんが繰り上げ）"]
    d = Registration.objects.with_waiting_position().get(name="D")
    assert d.waiting_position == 1


def test_a_professional_on_the_waiting_list_gives_up_their_place_and_nobody_moves_up(
    client_for, cast, center
):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1)
    others(event, cast, "A")
    client = client_for("professional")
    mine = sign_up(client, event, cast)
    others(event, cast, "C")
    assert mine.status == "waitlisted"
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert "キャンセル待ち 1番目" in page and f'action="{url(mine)}"' in page
    assert "キャンセル待ちの順番（1番目）はなくなります" in client.get(url(mine)).content.decode()
    response = client.post(url(mine), {"confirm": "1"}, follow=True)
    assert "この研修の申込を取り消しました。" in response.content.decode()
    assert statuses(event) == [("A", "confirmed"), ("professional", "cancelled"), ("C", "waitlisted")]
    assert Registration.objects.with_waiting_position().get(name="C").waiting_position == 1
    assert cancel_audits(mine) == ["申込を取消"]


def test_another_users_registration_is_404_and_stays(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0))
    colleague = User.objects.create_user("colleague", password="x", role=Role.PROFESSIONAL)
    theirs = event.register(name="同僚", organisation="○○", profession=cast.nurse, user=colleague)
    staff_entered = event.register(name="電話の方", organisation="○○", profession=cast.nurse)
    client = client_for("professional")
    mine = sign_up(client, event, cast)
    for registration in (theirs, staff_entered):
        assert client.get(url(registration)).status_code == 404
        assert client.post(url(registration), {"confirm": "1"}).status_code == 404
    # Their own registration's id under another event's address is not found either.
    other_event = make_event(center, when=(2099, 2, 10, 18, 0))
    wrong = f"/training/{other_event.pk}/my-registration/{mine.pk}/cancel/"
    assert client.post(wrong, {"confirm": "1"}).status_code == 404
    assert set(event.registrations.values_list("status", flat=True)) == {"confirmed"}
    assert not AuditEvent.objects.filter(object_type="training.Registration", action="update").exists()


def test_anonymous_is_sent_to_login_and_staff_are_refused_the_professionals_cancel(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0))
    mine = sign_up(client_for("professional"), event, cast)
    anonymous = client_for("anonymous").post(url(mine), {"confirm": "1"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for role in ("coordinator", "admin", "official"):
        assert client_for(role).post(url(mine), {"confirm": "1"}).status_code == 403, role
    mine.refresh_from_db()
    assert mine.status == "confirmed"


def test_the_coordinators_cancel_of_a_professionals_sign_up_is_unchanged(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1)
    mine = sign_up(client_for("professional"), event, cast)
    others(event, cast, "B")
    response = client_for("coordinator").post(
        f"/training/{event.pk}/registrations/{mine.pk}/cancel/", {"confirm": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/training/{event.pk}/#registrations"
    page = response.content.decode()
    assert "professionalさんの申込を取り消しました。" in page and "キャンセル待ちのBさん（" in page
    assert statuses(event) == [("professional", "cancelled"), ("B", "confirmed")]


def test_after_the_start_the_cancel_is_not_offered_and_refused_naming_the_center(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1)
    client = client_for("professional")
    mine = sign_up(client, event, cast)
    others(event, cast, "B")
    event.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    event.save()
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert 'data-my-status="confirmed"' in page and "data-cancel-mine" not in page
    assert "申込の取り消しや変更はセンターへご連絡ください" in page
    assert f'東センター（電話 <a href="tel:{PHONE}">{PHONE}</a>）' in page
    for data in ({}, {"confirm": "1"}):
        response = client.post(url(mine), data, follow=True)
        assert (
            f"研修が始まったため、この画面からは申込を取り消せません。東センター（電話 {PHONE}）へご連絡ください。"
            in response.content.decode()
        )
    assert statuses(event) == [("professional", "confirmed"), ("B", "waitlisted")]
    assert cancel_audits(mine) == []


def test_the_refusal_names_the_center_alone_when_it_has_no_phone(cast):
    event = make_event(cast.center2, when=(2020, 1, 10, 18, 0))
    assert event.own_cancel_refusal() == (
        "研修が始まったため、この画面からは申込を取り消せません。西センターへご連絡ください。"
    )
    assert event.own_cancel_refusal(now=event.starts_at - datetime.timedelta(seconds=1)) is None
    assert event.own_cancel_refusal(now=event.starts_at) is not None


def test_a_second_click_after_cancelling_says_so_and_records_nothing_more(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0))
    client = client_for("professional")
    mine = sign_up(client, event, cast)
    client.post(url(mine), {"confirm": "1"})
    again = client.post(url(mine), {"confirm": "1"}, follow=True)
    assert "この申込はすでに取り消されています。" in again.content.decode()
    assert cancel_audits(mine) == ["申込を取消"]


def test_the_event_page_shows_the_contact_and_the_buttons_that_fit_each_state(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=5)
    client = client_for("professional")

    def page():
        return client.get(f"/training/{event.pk}/").content.decode()

    # Not signed up, open: the plain sign-up button, the center to ask, no cancel.
    before = page()
    assert ">この研修に申し込む</a>" in before and "data-cancel-mine" not in before
    assert f'この研修についてのお問い合わせ: 東センター（電話 <a href="tel:{PHONE}">{PHONE}</a>）' in before
    # Signed up: their status, the cancel button and the contact beside it; no sign-up button.
    mine = sign_up(client, event, cast)
    signed = page()
    section = signed.split("data-my-registration", 1)[1].split("</section>", 1)[0]
    assert (
        'data-my-status="confirmed"' in section and "申込を取り消す" in section and "data-contact" in section
    )
    assert "この研修に申し込む" not in signed
    # Cancelled while sign-ups are open: the sign-up button again.
    client.post(url(mine), {"confirm": "1"})
    assert ">この研修に申し込む</a>" in page()
    # Cancelled and sign-ups closed: the page still opens (it was theirs) and says so.
    event.registration_open = False
    event.save()
    closed = page()
    assert "この研修の申込受付は終了しました。" in closed
    assert "この研修に申し込む" not in closed and "data-cancel-mine" not in closed


def test_sign_up_buttons_read_plainly_and_name_the_event_for_screen_readers(client_for, cast, center):
    title = "多職種連携研修会「在宅での看取り」"
    event = make_event(center, when=(2099, 1, 10, 18, 0), title=title)
    client = client_for("professional")
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert ">この研修に申し込む</a>" in page and "」に申し込む" not in page
    listing = client.get("/training/").content.decode()
    assert f'この研修に申し込む<span class="visually-hidden">（{title}）</span></a>' in listing
    assert "」に申し込む" not in listing


def test_a_full_event_with_nobody_waiting_does_not_say_zero_are_waiting(client_for, cast, center):
    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1)
    others(event, cast, "A")
    page = client_for("professional").get(f"/training/{event.pk}/").content.decode()
    assert 'data-seats="full"' in page and "キャンセル待ちで申し込めます。" in page
    assert "いま0名" not in page


def test_a_cancel_that_arrives_after_another_finds_it_done_and_writes_nothing(cast, center, rf):
    from training import services
    from training.models import AlreadyCancelled

    event = make_event(center, when=(2099, 1, 10, 18, 0), capacity=1)
    mine, waiting = others(event, cast, "A", "B")
    stale = Registration.objects.get(pk=mine.pk)  # read by the second request before the first ended
    request = rf.post("/")
    request.user = cast.coordinator
    assert services.cancel(request, event, mine) == waiting
    with pytest.raises(AlreadyCancelled):
        services.cancel(request, event, stale)
    assert statuses(event) == [("A", "cancelled"), ("B", "confirmed")]
    assert len(cancel_audits(mine)) == 1
