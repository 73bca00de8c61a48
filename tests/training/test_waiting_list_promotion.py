"""Someone who moves up from the waiting list is told: by email when they gave an address, else
the event's page and the staff's home say 「繰り上げ・未連絡」 until staff have phoned or faxed them
and pressed 「連絡した」. A 定員 raised gives its new seats to the waiting list at once."""

import datetime

import pytest
from django.core import mail

from coordination.models import AuditEvent
from tests.training.factories import make_event
from training.forms import EventForm
from training.models import Registration

pytestmark = pytest.mark.django_db


def _full_event(cast, capacity=1):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=capacity)
    first = event.register(name="先着 太郎", organisation="○○病院", profession=cast.nurse)
    by_fax = event.register(name="FAX 花子", organisation="△△訪問看護", profession=cast.nurse)
    by_mail = event.register(
        name="メール 次郎", organisation="□□薬局", profession=cast.nurse, email="jiro@example.jp"
    )
    assert (by_fax.status, by_mail.status) == ("waitlisted", "waitlisted")
    return event, first, by_fax, by_mail


def _cancel(client, event, registration):
    return client.post(
        f"/training/{event.pk}/registrations/{registration.pk}/cancel/", {"confirm": "1"}, follow=True
    ).content.decode()


def test_one_without_an_email_is_shown_untold_until_staff_say_they_phoned(cast, client_for):
    event, first, by_fax, _ = _full_event(cast)
    client = client_for("coordinator")
    page = _cancel(client, event, first)
    assert "キャンセル待ちのFAX 花子さん（△△訪問看護）が参加確定になりました。" in page
    assert "電話かFAXでお知らせし、参加申込の一覧で「連絡した」を押してください。" in page
    assert not mail.outbox
    row = page.split('data-registration="FAX 花子"')[1].split("</tr>")[0]
    assert "data-promotion-untold" in row and "FAX 花子さんに連絡した" in row
    home = client.get("/").content.decode()
    assert 'data-untold-promotions="1"' in home and "繰り上げ・未連絡 1名" in home
    # Another center's coordinator can neither see nor mark it.
    assert (
        client_for("coordinator2").post(f"/training/{event.pk}/registrations/{by_fax.pk}/told/").status_code
        == 404
    )
    assert (
        client_for("professional").post(f"/training/{event.pk}/registrations/{by_fax.pk}/told/").status_code
        == 403
    )
    assert client.get(f"/training/{event.pk}/registrations/{by_fax.pk}/told/").status_code == 405
    page = client.post(f"/training/{event.pk}/registrations/{by_fax.pk}/told/", follow=True).content.decode()
    assert "FAX 花子さんに繰り上げを連絡したと記録しました。" in page
    row = page.split('data-registration="FAX 花子"')[1].split("</tr>")[0]
    assert "data-promotion-untold" not in row and ">繰り上げ</span>" in row
    assert "data-untold-promotions" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(detail="繰り上げを連絡: FAX 花子").count() == 1


def test_one_with_an_email_is_emailed_and_needs_no_call(cast, client_for, django_capture_on_commit_callbacks):
    event, first, by_fax, by_mail = _full_event(cast)
    by_fax.status = Registration.Status.CANCELLED  # withdrew by phone earlier
    by_fax.save()
    with django_capture_on_commit_callbacks(execute=True):
        page = _cancel(client_for("coordinator"), event, first)
    assert (
        "キャンセル待ちのメール 次郎さんが参加確定になりました（jiro@example.jp にメールでお知らせしました）。"
        in page
    )
    [message] = mail.outbox
    assert message.to == ["jiro@example.jp"] and event.title in message.subject
    assert "参加が確定しました" in message.body and "2099年1月10日" in message.body
    by_mail.refresh_from_db()
    assert by_mail.promotion_told_at is not None and not by_mail.promotion_untold
    assert "data-promotion-untold" not in page


def test_a_professionals_own_cancel_leaves_the_promotion_for_staff_to_see(cast, client_for):
    event, first, by_fax, _ = _full_event(cast)
    first.user = cast.professional
    first.save()
    client_for("professional").post(
        f"/training/{event.pk}/registrations/{first.pk}/cancel/".replace("registrations", "my-registration"),
        {"confirm": "1"},
    )
    by_fax.refresh_from_db()
    assert by_fax.status == "confirmed" and by_fax.promotion_untold
    assert 'data-untold-promotions="1"' in client_for("coordinator").get("/").content.decode()


def test_raising_the_capacity_gives_the_new_seats_to_the_waiting_list(
    cast, client_for, django_capture_on_commit_callbacks
):
    event, first, by_fax, by_mail = _full_event(cast)
    form = EventForm(instance=event, user=cast.coordinator)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.datetime):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        elif value is not None and value is not False:
            data[name] = str(value)
    data["capacity"] = "3"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("coordinator").post(f"/training/{event.pk}/edit/", data, follow=True)
    page = response.content.decode()
    assert response.redirect_chain, page[:3000]
    by_fax.refresh_from_db()
    by_mail.refresh_from_db()
    assert (by_fax.status, by_mail.status) == ("confirmed", "confirmed")
    assert "キャンセル待ちのFAX 花子さん（△△訪問看護）が参加確定になりました。" in page
    assert "メール 次郎さんが参加確定になりました（jiro@example.jp" in page
    assert len(mail.outbox) == 1 and by_fax.promotion_untold
