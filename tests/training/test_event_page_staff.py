"""The event's page for its staff: the 対象職種 ticked when it was made is shown (and to the
professionals and residents who read the event); a registration is cancelled after a page that
asks first, its link unlike the button that undoes a check-in."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.training.factories import make_event
from training.models import Item, Registration

pytestmark = pytest.mark.django_db


def register(event, name, profession, status="confirmed"):
    return Registration.objects.create(
        event=event, name=name, organisation="○○病院", profession=profession, status=status
    )


def test_the_audience_professions_ticked_are_shown(client_for, cast):
    event = make_event(
        cast.center1, when=(2099, 1, 10, 18, 0), registration_open=True, audience_note="多職種"
    )
    event.audience_professions.set([cast.nurse, cast.care_manager])
    expected = "<dd data-audience-professions>看護師、介護支援専門員</dd>"
    assert expected in client_for("coordinator").get(f"/training/{event.pk}/").content.decode()
    assert expected in client_for("professional").get(f"/training/{event.pk}/").content.decode()
    assert expected in client_for("professional").get("/training/").content.decode()
    lecture = make_event(cast.center1, when=(2099, 2, 1, 13, 0), item=Item.PUBLIC, title="市民公開講座")
    lecture.audience_professions.set([cast.nurse])
    assert "<dd data-audience-professions>看護師</dd>" in Client().get("/training/public/").content.decode()


def test_a_registration_is_cancelled_after_a_page_that_asks_first(client_for, cast):
    event = make_event(cast.center1, capacity=1)
    a = register(event, "山田 花子", cast.nurse)
    b = register(event, "佐藤 一郎", cast.nurse, status="waitlisted")
    Registration.objects.filter(pk=a.pk).update(checked_in_at=timezone.now())
    client = client_for("coordinator")
    page = client.get(f"/training/{event.pk}/").content.decode()
    row = page.split('data-registration="山田 花子"', 1)[1].split("</tr>", 1)[0]
    assert "山田 花子さんを未受付に戻す" in row and "受付を取消" not in row
    assert f'href="/training/{event.pk}/registrations/{a.pk}/cancel/"' in row
    assert "山田 花子さんの申込を取り消す…" in row
    asked = client.get(f"/training/{event.pk}/registrations/{a.pk}/cancel/")
    text = asked.content.decode()
    assert asked.status_code == 200 and "山田 花子さんの申込を取り消しますか" in text
    assert "はい、山田 花子さんの申込を取り消す" in text and "当日受付も取り消され" in text
    # A post without the confirmation (a stale form, a double click) cancels nothing.
    assert client.post(f"/training/{event.pk}/registrations/{a.pk}/cancel/").status_code == 200
    a.refresh_from_db()
    assert a.status == "confirmed"
    done = client.post(f"/training/{event.pk}/registrations/{a.pk}/cancel/", {"confirm": "1"}, follow=True)
    assert re.search(r"キャンセル待ちの佐藤 一郎さん（[^）]*）が参加確定になりました", done.content.decode())
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("cancelled", "confirmed")
    again = client.get(f"/training/{event.pk}/registrations/{a.pk}/cancel/", follow=True)
    assert "すでに取り消されています" in again.content.decode()


def test_the_cancel_page_by_role(client_for, cast):
    event = make_event(cast.center1)
    r = register(event, "山田 花子", cast.nurse)
    path = f"/training/{event.pk}/registrations/{r.pk}/cancel/"
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for("professional").get(path).status_code == 403
    assert client_for("official").get(path).status_code == 403
    assert client_for("coordinator2").get(path).status_code == 404
    assert client_for("coordinator2").post(path, {"confirm": "1"}).status_code == 404
    assert client_for("admin").get(path).status_code == 200
    r.refresh_from_db()
    assert r.status == "confirmed"


def test_the_own_center_is_no_co_host_choice(client_for, cast):
    from training.forms import EventForm

    assert list(EventForm(user=cast.coordinator).fields["co_host_centers"].queryset) == [cast.center2]
    event = make_event(cast.center1)
    event.co_host_centers.set([cast.center2])
    # The co-hosting center's coordinator edits it too: the host is no choice, its own center is.
    choices = EventForm(user=cast.coordinator2, instance=event).fields["co_host_centers"].queryset
    assert list(choices) == [cast.center2]
    # An admin picks the host in the same form: every center is offered, the host refused on saving.
    assert set(EventForm(user=cast.admin).fields["co_host_centers"].queryset) == {cast.center1, cast.center2}
    page = client_for("coordinator").get("/training/new/").content.decode()
    assert f'name="co_host_centers" value="{cast.center1.pk}"' not in page
    assert f'name="co_host_centers" value="{cast.center2.pk}"' in page
