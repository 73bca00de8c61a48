"""An answer given by a survey's open link (an event's attendees, anyone with the link) belongs to
the one who gave it: staff get no link of their own to it and no page showing it; the one rule for
changing it is the respondent's, on the device they answered with, until the close. A survey of
facilities keeps its respondents' own links (they are how the facilities answer)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from coordination.models import AuditEvent
from surveys.models import Answer, Respondent, Survey
from tests.surveys.factories import make_survey, question, respondent
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey
from training.models import AttendanceCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_survey(cast):
    """An open anonymous event survey with 9 participants and 2 answers given by the link."""
    event = make_event(cast.center1, when=(2026, 7, 10, 18, 30))
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=9)
    survey = make_event_survey(event)
    now = timezone.now()
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    return survey


def link(survey):
    return f"/surveys/l/{survey.link_token}/"


def rating_of(survey):
    return survey.questions.get(text="満足度")


def answer_by_link(survey, point, device=None):
    device = device or Client(REMOTE_ADDR="192.0.2.30")
    response = device.post(link(survey), {f"q{rating_of(survey).pk}": point, "profession": ""})
    assert response.status_code == 200, response.content.decode()
    return device


def test_the_audience_page_of_an_anonymous_survey_shows_counts_and_no_respondent(event_survey, client_for):
    answer_by_link(event_survey, 5)
    answer_by_link(event_survey, 3)
    tokens = list(Respondent.objects.filter(survey=event_survey).values_list("token", flat=True))
    page = client_for("coordinator").get(f"/surveys/{event_survey.pk}/audience/").content.decode()
    assert len(tokens) == 2
    for token in tokens:
        assert token not in page
    assert "/surveys/r/" not in page and "data-respondent-link" not in page and "依頼状" not in page
    assert "回答者に追加する" not in page
    assert 'data-open-link-answers="2"' in page and "参加者 9名" in page
    assert f"/surveys/l/{event_survey.link_token}/" in page
    # Nothing to add on a survey answered by its link.
    client_for("coordinator").post(f"/surveys/{event_survey.pk}/audience/", {})
    assert event_survey.respondents.count() == 2


def test_a_link_respondents_own_address_opens_nothing(event_survey):
    answer_by_link(event_survey, 5)
    given = Respondent.objects.get(survey=event_survey)
    anyone = Client()
    assert anyone.get(f"/surveys/r/{given.token}/").status_code == 404
    assert anyone.post(f"/surveys/r/{given.token}/", {f"q{rating_of(event_survey).pk}": 1}).status_code == 404
    assert Answer.objects.get(respondent=given).value == 5


def test_the_respondent_changes_the_answer_on_the_same_device_until_the_close(event_survey):
    phone = answer_by_link(event_survey, 5)
    given = Respondent.objects.get(survey=event_survey)
    # Opening the link again says so, with the way to change the answer on this device.
    reopened = phone.get(link(event_survey)).content.decode()
    assert "この端末からはすでに回答をいただいています" in reopened and 'href="?edit=1"' in reopened
    assert given.token not in reopened
    # Sent again without asking to change it (the back button): nothing changes.
    phone.post(link(event_survey), {f"q{rating_of(event_survey).pk}": 1})
    assert Answer.objects.get(respondent=given).value == 5
    again = phone.get(link(event_survey) + "?edit=1").content.decode()
    assert "この端末から何度でも修正できます" in again and "回答済みです" in again
    rating = rating_of(event_survey).pk
    assert f'name="q{rating}" value="5" id="id_q{rating}_4" checked' in again
    assert given.token not in again  # the page carries no address of the answer itself
    thanks = phone.post(link(event_survey) + "?edit=1", {f"q{rating_of(event_survey).pk}": 2})
    thanks = thanks.content.decode()
    assert "回答を受け付けました" in thanks and given.token not in thanks
    assert Respondent.objects.filter(survey=event_survey).count() == 1
    assert Answer.objects.get(respondent=given).value == 2
    # Another device gives an answer of its own; it never sees the first one.
    other = Client(REMOTE_ADDR="192.0.2.31").get(link(event_survey) + "?edit=1").content.decode()
    assert "回答済みです" not in other
    # After the close nobody changes it.
    event_survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event_survey.save()
    closed = phone.post(link(event_survey) + "?edit=1", {f"q{rating_of(event_survey).pk}": 4})
    assert closed.status_code == 410
    assert Answer.objects.get(respondent=given).value == 2


def test_a_named_event_survey_keeps_the_name_given_when_the_answer_is_changed(cast):
    event = make_event(cast.center1, when=(2026, 7, 10, 18, 30))
    survey = make_event_survey(event, anonymous=False)
    now = timezone.now()
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    phone = Client()
    rating = rating_of(survey).pk
    phone.post(link(survey), {f"q{rating}": 4, "respondent_name": "山田", "profession": cast.nurse.pk})
    page = phone.get(link(survey) + "?edit=1").content.decode()
    assert 'value="山田"' in page
    phone.post(
        link(survey) + "?edit=1", {f"q{rating}": 3, "respondent_name": "山田", "profession": cast.nurse.pk}
    )
    given = Respondent.objects.get(survey=survey)
    assert (given.label, given.group, given.answers.get().value) == ("山田", cast.nurse.name, 3)


def test_the_links_command_lists_no_answer_given_by_the_link(event_survey):
    answer_by_link(event_survey, 5)
    out = io.StringIO()
    call_command("survey_links", event_survey.pk, stdout=out)
    assert out.getvalue() == ""


def test_a_facility_survey_keeps_each_respondents_link_and_answer_page(cast, client_for):
    s = make_survey(cast.center1, audience=Survey.Audience.FACILITIES)
    q = question(s, "q1", choices=["はい", "いいえ"])
    r = respondent(s, label="東ケアプラン")
    page = client_for("coordinator").get(f"/surveys/{s.pk}/audience/").content.decode()
    assert f"/surveys/r/{r.token}/" in page and "依頼状" in page
    facility = Client()
    assert facility.post(f"/surveys/r/{r.token}/", {f"q{q.pk}": "はい"}).status_code == 200
    reopened = facility.get(f"/surveys/r/{r.token}/").content.decode()
    assert "それまでは何度でも修正できます" in reopened and "東ケアプラン" in reopened


def test_the_reminders_page_of_an_anonymous_event_survey_says_what_can_be_done(event_survey, client_for):
    for point in (5, 4, 4, 3, 5, 2, 4):
        answer_by_link(event_survey, point, device=Client(REMOTE_ADDR=f"192.0.2.{40 + point}"))
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/surveys/{event_survey.pk}/reminders/").content.decode()
    assert "未回答の回答者はいません" not in page
    assert "無記名のため、個別の督促はできません。" in page
    assert 'data-open-link-answers="7"' in page and "参加者 9名" in page
    assert f"/surveys/l/{event_survey.link_token}/" in page and "data-survey-qr" in page
    assert "督促メールを送る" not in page
    # Nothing to send: no email, no respondent marked reminded.
    sent = coordinator.post(f"/surveys/{event_survey.pk}/reminders/", follow=True).content.decode()
    assert "督促のメールを" not in sent and "無記名のため、個別の督促はできません。" in sent
    assert not AuditEvent.objects.filter(detail__contains="督促").exists()


def test_the_reminders_page_of_a_facility_survey_still_lists_who_has_not_answered(cast, client_for):
    s = make_survey(cast.center1, audience=Survey.Audience.FACILITIES)
    question(s, "q1", choices=["はい", "いいえ"])
    r = respondent(s, label="東ケアプラン")
    page = client_for("coordinator").get(f"/surveys/{s.pk}/reminders/").content.decode()
    assert f'data-pending-respondent="{r.pk}"' in page and f"/surveys/r/{r.token}/" in page
    assert "督促メールを送る" in page and "個別の督促はできません" not in page
