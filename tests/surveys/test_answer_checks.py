"""The answer page's checks of counts (none below 0, a 空床数 not above the 定員 of the same
answer) and the 必須 mark on required questions, before anyone fails a send."""

import re

import pytest
from django.urls import reverse

from surveys.forms import QuestionForm
from surveys.models import Answer, Question, Respondent
from tests.surveys.factories import make_survey, question, respondent, vacancy_survey

pytestmark = pytest.mark.django_db


def _post(client, survey, r, **by_key):
    keys = {q.key: q.pk for q in survey.questions.all()}
    return client.post(
        reverse("surveys:answer", args=[r.token]), {f"q{keys[k]}": v for k, v in by_key.items()}
    )


def test_a_vacancy_above_the_capacity_is_refused_naming_both_questions(cast, client):
    survey = vacancy_survey(cast.center1)
    r = respondent(survey, label="みどりショートステイ")
    page = _post(client, survey, r, as_of="2026-12-01", capacity="20", vacant_beds="25")
    assert page.status_code == 400
    text = page.content.decode()
    assert "「空床数（床）」（25）が「定員（床）」（20）を超えています" in text
    assert not Answer.objects.exists()

    ok = _post(client, survey, r, as_of="2026-12-01", capacity="20", vacant_beds="20")
    assert ok.status_code == 200 and Answer.objects.filter(respondent=r).count() == 3


def test_negative_counts_are_refused_with_the_questions_name(cast, client):
    survey = vacancy_survey(cast.center1)
    r = respondent(survey)
    page = _post(client, survey, r, as_of="2026-12-01", capacity="-3", vacant_beds="0")
    assert page.status_code == 400
    assert "「定員（床）」は0以上の数で入れてください" in page.content.decode()
    assert not Answer.objects.exists()
    assert 'min="0"' in page.content.decode()


def test_the_template_limits_vacant_beds_by_capacity(cast):
    survey = vacancy_survey(cast.center1)
    beds = survey.questions.get(key="vacant_beds")
    assert beds.at_most == survey.questions.get(key="capacity")


def test_a_limit_is_set_between_number_questions_only(cast):
    s = make_survey(cast.center1)
    total = question(s, "total", Question.Kind.NUMBER, text="職員数")
    choice = question(s, "yn", choices=["はい", "いいえ"])
    form = QuestionForm(
        {"key": "nurses", "text": "看護職員数", "kind": "number", "sort_order": 30, "at_most": total.pk},
        survey=s,
    )
    assert form.is_valid(), form.errors
    nurses = form.save()
    assert nurses.at_most == total
    bad = QuestionForm(
        {"key": "x", "text": "理由", "kind": "short_text", "sort_order": 40, "at_most": total.pk}, survey=s
    )
    assert not bad.is_valid() and "数値" in str(bad.errors["at_most"])
    assert choice.pk not in [q.pk for q in QuestionForm(survey=s).fields["at_most"].queryset]


def test_required_questions_are_marked_before_sending(cast, client):
    survey = vacancy_survey(cast.center1)
    r = Respondent.objects.create(survey=survey, kind=Respondent.Kind.FACILITY, label="中央ショートステイ")
    page = client.get(reverse("surveys:answer", args=[r.token])).content.decode()
    sections = dict(re.findall(r'data-question="(\w+)">(.*?)</section>', page, re.S))
    for key in ("as_of", "capacity", "vacant_beds"):
        assert '<span class="required">必須</span>' in sections[key], key
    for key in ("accepts", "short_stay", "note"):
        assert "必須" not in sections[key], key
