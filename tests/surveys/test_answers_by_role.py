"""Who reads a survey's answers one by one (the raw workbook, free text, names, the links sent
to respondents) and who its aggregates: the owning center's staff and admins the former,
officials the latter; another center's staff nothing (404)."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from surveys import services
from surveys.models import Respondent
from tests.surveys.factories import make_survey, question
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey
from training.models import AttendanceCount

pytestmark = pytest.mark.django_db


def _open(survey):
    now = timezone.now()
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    return survey


def link_answer(survey, values_by_text, name="", profession=None):
    by_text = {q.text: q.pk for q in survey.questions.all()}
    return services.submit_link_answer(
        None, survey, {by_text[t]: v for t, v in values_by_text.items()}, profession=profession, name=name
    )


@pytest.fixture
def named(cast):
    """A named (無記名 off) event survey of C01: 4 participants, 3 answers, one with a name."""
    event = make_event(cast.center1)
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=4)
    survey = _open(make_event_survey(event, anonymous=False))
    link_answer(
        survey, {"満足度": 5, "感想": "山田さんの話がよかった"}, name="山田 花子", profession=cast.nurse
    )
    link_answer(survey, {"満足度": 4}, profession=cast.nurse)
    link_answer(survey, {"満足度": 4})
    return survey


def _sheet(response, name="回答"):
    return list(load_workbook(io.BytesIO(response.content))[name].iter_rows(values_only=True))


def test_an_official_gets_no_raw_answers_and_reads_the_results_without_names_or_free_text(named, client_for):
    official = client_for("official")
    assert official.get(f"/surveys/{named.pk}/results/?format=raw").status_code == 403
    page = official.get(f"/surveys/{named.pk}/results/").content.decode()
    assert "山田 花子" not in page and "山田さんの話がよかった" not in page
    assert "data-texts-withheld" in page and "?format=raw" not in page
    assert f'href="/training/{named.event_id}/"' not in page  # the event's page is its staff's (403)
    assert 'data-rating-count="4">2<' in page  # the aggregates, as the staff read them
    # The aggregate workbooks are theirs too; they carry neither names nor free text.
    for fmt in ("tables", "tables_internal"):
        response = official.get(f"/surveys/{named.pk}/results/?format={fmt}")
        assert response.status_code == 200, fmt
        cells = " ".join(str(c) for row in _sheet(response, "集計表") for c in row)
        assert "山田" not in cells, fmt


def test_the_centers_staff_read_the_answers_with_the_name_the_attendee_gave(named, client_for):
    staff = client_for("coordinator")
    page = staff.get(f"/surveys/{named.pk}/results/").content.decode()
    assert "山田さんの話がよかった" in page and "data-raw-answers" in page
    rows = _sheet(staff.get(f"/surveys/{named.pk}/results/?format=raw"))
    header, *answers = rows
    assert "住所" not in header  # link answers have none: no empty column
    assert [r[0] for r in answers] == ["山田 花子", "回答 2", "回答 3"]
    assert client_for("admin").get(f"/surveys/{named.pk}/results/?format=raw").status_code == 200


def test_link_answers_that_gave_no_name_are_numbered(cast, client_for):
    # A survey that asks for a name keeps its answers one by one; a 無記名 one gives counts only
    # (test_anonymous_answers_workbook.py).
    survey = _open(make_survey(cast.center1, audience="link", anonymous=False))
    question(survey, "q1", choices=["はい", "いいえ"], text="はい・いいえ")
    for value in ("はい", "いいえ"):
        link_answer(survey, {"はい・いいえ": value})
    # An answer stored by the earlier code, with a label standing in for a name.
    earlier = link_answer(survey, {"はい・いいえ": "はい"})
    Respondent.objects.filter(pk=earlier.pk).update(label=f"リンクからの回答 {earlier.pk}")
    header, *rows = _sheet(client_for("coordinator").get(f"/surveys/{survey.pk}/results/?format=raw"))
    assert header[:3] == ("回答者", "区分", "回答日時")
    assert [r[0] for r in rows] == ["回答 1", "回答 2", "回答 3"]


@pytest.mark.parametrize("fmt", ["", "?format=raw", "?format=tables", "?format=tables_internal"])
def test_the_results_and_their_downloads_by_role(named, client_for, cast, fmt):
    path = f"/surveys/{named.pk}/results/{fmt}"
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for("professional").get(path).status_code == 403
    assert client_for("coordinator2").get(path).status_code == 404  # another center's survey
    assert client_for("coordinator").get(path).status_code == 200
    assert client_for("official").get(path).status_code == (403 if fmt == "?format=raw" else 200)


def test_a_coordinator_reads_a_city_surveys_aggregates_but_not_its_answers(cast, client_for):
    city = _open(make_survey(None, title="市の調査", audience="link", anonymous=False))
    question(city, "q1", choices=["はい", "いいえ"], text="はい・いいえ")
    question(city, "q2", kind="long_text", text="ご意見")
    link_answer(city, {"はい・いいえ": "はい", "ご意見": "門司の田中さんが困っている"}, name="佐藤 一郎")
    coordinator = client_for("coordinator")
    assert coordinator.get(f"/surveys/{city.pk}/results/?format=raw").status_code == 403
    page = coordinator.get(f"/surveys/{city.pk}/results/").content.decode()
    assert "田中さん" not in page and "佐藤" not in page and "data-texts-withheld" in page
    admin = client_for("admin")
    assert "田中さん" in admin.get(f"/surveys/{city.pk}/results/").content.decode()
    assert admin.get(f"/surveys/{city.pk}/results/?format=raw").status_code == 200
