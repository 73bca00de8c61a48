"""The 空床状況調査's answers become change requests of the facilities' 空床 (all at once or one
facility), dated with the 時点 the facility answered, never over a newer entry; approving one in
the change-request list writes the 空床 with the facility's history."""

import datetime

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from resources.models import ChangeRequest, FacilityChange, Vacancy
from surveys import services
from surveys.models import Respondent, Survey
from tests.resources.factories import make_facility
from tests.surveys.factories import vacancy_survey

pytestmark = pytest.mark.django_db


def _answer(survey, facility, beds, as_of):
    r = Respondent.objects.create(
        survey=survey, kind=Respondent.Kind.FACILITY, facility=facility, label=facility.name
    )
    keys = {q.key: q.pk for q in survey.questions.all()}
    values = {keys["as_of"]: as_of, keys["capacity"]: 50, keys["vacant_beds"]: beds}
    services.submit_answers(None, r, values)
    return r


def test_answers_become_change_requests_and_approving_one_writes_the_vacancy(client_for, cast):
    survey = vacancy_survey(cast.center1)
    east = make_facility("東の特養", kind_code="special-nursing-home")
    west = make_facility("西のショート", kind_code="short-stay")
    newer = make_facility("新しい登録の特養", kind_code="special-nursing-home")
    Vacancy.objects.create(facility=west, service=west.kind, beds=9, stated_on=datetime.date(2026, 1, 5))
    Vacancy.objects.create(facility=newer, service=newer.kind, beds=1, stated_on=timezone.localdate())
    first = _answer(survey, east, 3, "2026-11-20")
    _answer(survey, west, 2, "2026-11-21")
    _answer(survey, newer, 7, "2026-01-01")
    client = client_for("coordinator")
    page = client.get(f"/surveys/{survey.pk}/vacancies/").content.decode()
    assert page.count('data-status="未申請"') == 2 and 'data-status="名簿の方が新しい"' in page

    client.post(f"/surveys/{survey.pk}/vacancies/", {"respondent": first.pk})
    request = ChangeRequest.objects.get(facility=east)
    assert request.status == ChangeRequest.Status.PENDING and "空床状況調査" in request.message
    assert not Vacancy.objects.filter(facility=east).exists()  # nothing written before approval
    client.post(f"/surveys/{survey.pk}/vacancies/")
    assert ChangeRequest.objects.filter(facility=west).count() == 1
    assert not ChangeRequest.objects.filter(facility=newer).exists()  # an older answer is not proposed
    page = client.get(f"/surveys/{survey.pk}/vacancies/").content.decode()
    assert page.count('data-status="変更申請中"') == 2
    again = client.post(f"/surveys/{survey.pk}/vacancies/", follow=True).content.decode()
    assert "変更申請にする回答はありませんでした" in again and ChangeRequest.objects.count() == 2

    listed = client.get("/resources/changes/").content.decode()
    assert "東の特養" in listed
    shown = client.get(f"/resources/changes/{request.pk}/").content.decode()
    assert "空床状況調査" in shown and "3床" in shown
    client.post(f"/resources/changes/{request.pk}/", {"approve": "1"})
    vacancy = Vacancy.objects.get(facility=east)
    assert (vacancy.beds, vacancy.stated_on) == (3, datetime.date(2026, 11, 20))  # the answer's 時点
    change = FacilityChange.objects.get(facility=east, action=FacilityChange.Action.UPDATE)
    assert change.user == cast.coordinator and "調査への回答" in change.actor
    assert Vacancy.objects.get(facility=west).beds == 9  # not yet approved: unchanged
    assert 'data-status="反映済み"' in client.get(f"/surveys/{survey.pk}/vacancies/").content.decode()
    assert AuditEvent.objects.filter(object_type="surveys.Survey", detail__contains="変更申請に").count() == 2


def test_an_answer_dated_after_it_was_sent_is_proposed_with_the_day_it_came(cast):
    from surveys import vacancies

    survey = vacancy_survey(cast.center1)
    home = make_facility("先の日付の特養", kind_code="special-nursing-home")
    _answer(survey, home, 4, "2099-01-01")
    assert vacancies.request_changes(None, survey) == 1
    proposed = ChangeRequest.objects.get(facility=home).proposed
    assert list(proposed.values()) == [[4, timezone.localdate().isoformat()]]


def test_only_the_vacancy_surveys_managers_reach_the_page(client_for, cast):
    survey = vacancy_survey(cast.center1)
    assert client_for("coordinator2").get(f"/surveys/{survey.pk}/vacancies/").status_code == 404
    assert client_for("professional").get(f"/surveys/{survey.pk}/vacancies/").status_code == 403
    other = services.create_from_template(
        None,
        Survey.Template.ADMISSION,
        fiscal_year=2026,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        center=cast.center1,
    )
    assert client_for("coordinator").get(f"/surveys/{other.pk}/vacancies/").status_code == 404


def test_the_vacancy_page_query_count_does_not_grow_with_the_facilities(
    client_for, cast, django_assert_num_queries
):
    survey = vacancy_survey(cast.center1)
    client = client_for("coordinator")
    _answer(survey, make_facility("特養0", kind_code="special-nursing-home"), 1, "2026-11-01")
    client.get(f"/surveys/{survey.pk}/vacancies/")
    # 10: the survey page's own queries and the rows' five (the last: the pending change requests).
    with django_assert_num_queries(10):
        client.get(f"/surveys/{survey.pk}/vacancies/")
    for i in range(1, 6):
        _answer(survey, make_facility(f"特養{i}", kind_code="special-nursing-home"), i, "2026-11-01")
    with django_assert_num_queries(10):
        client.get(f"/surveys/{survey.pk}/vacancies/")
