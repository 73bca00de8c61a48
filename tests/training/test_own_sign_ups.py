"""A professional's own sign-ups: the form starts from what the portal knows of them (name, 所属,
職種, email), the message after sending names the event and its day, and the list of their
sign-ups gives each one's day and a way to withdraw it while it can still be withdrawn."""

import pytest
from django.utils import timezone

from tests.training.factories import make_event
from training.models import Registration

pytestmark = pytest.mark.django_db


def test_the_sign_up_form_starts_with_the_professionals_own_email(client_for, cast):
    cast.professional.email = "mari@example.jp"
    cast.professional.affiliation = "△△ケアプランセンター"
    cast.professional.save()
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    form = client_for("professional").get(f"/training/{event.pk}/register/").context["form"]
    assert form.initial["email"] == "mari@example.jp"
    assert form.initial["organisation"] == "△△ケアプランセンター"


def test_the_message_after_signing_up_names_the_event_and_its_day(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), title="退院支援の研修")
    data = {"name": "介護 真理", "organisation": "△△ケアプランセンター", "profession": cast.care_manager.pk}
    body = (
        client_for("professional").post(f"/training/{event.pk}/register/", data, follow=True).content.decode()
    )
    assert "「退院支援の研修」（1月10日（土）18:00〜）に申し込みました。" in body


def test_the_sign_ups_list_gives_the_day_and_a_withdraw_link_until_the_event_begins(client_for, cast):
    coming = make_event(cast.center1, when=(2099, 1, 10, 18, 0), title="これからの研修")
    begun = make_event(cast.center1, when=(2000, 1, 10, 18, 0), title="始まった研修")
    mine = {}
    for event in (coming, begun):
        mine[event] = Registration.objects.create(
            event=event,
            name="介護 真理",
            organisation="x",
            profession=cast.care_manager,
            user=cast.professional,
        )
    # The begun one is no longer open, so only the list of the professional's sign-ups shows it.
    assert begun.starts_at < timezone.now()
    body = client_for("professional").get("/training/").content.decode()
    row = body.split(f'data-mine="{mine[coming].pk}"')[1].split("</li>")[0]
    assert "2099年1月10日（土）18:00〜" in row
    assert f'href="/training/{coming.pk}/my-registration/{mine[coming].pk}/cancel/" data-cancel-link' in row
    old_row = body.split(f'data-mine="{mine[begun].pk}"')[1].split("</li>")[0]
    assert "data-cancel-link" not in old_row
