"""The 入退院連絡調査 template against a fixture counted by hand.

2026年度 (this survey), 4 care offices asked, 3 answered:
  office A (居宅): 1 X 入院連絡した(電話)  退院連絡受けた(7日以上)
                  2 X 入院連絡した(FAX)   退院連絡受けなかった
                  3 Y 入院連絡しなかった   退院連絡受けた(当日)
  office B (居宅): 4 Y 入院連絡した(連携シート) 退院 該当しない
                  5 X 入院 該当しない      退院連絡受けなかった
                  6 Y 入院連絡した(ICT)   退院連絡受けなかった
                  7 Y 入院連絡しなかった   退院 該当しない
  office C (包括): no client admitted or discharged
  office D (居宅): has not answered
入院時連絡率 = した 1,2,4,6 / (した 4 + しなかった 3,7) = 4/6 = 66.7
退院時連絡率 = 受けた 1,3 / (受けた 2 + 受けなかった 2,5,6) = 2/5 = 40.0
by hospital: X 入院 2/2 = 100.0, 退院 1/3 = 33.3; Y 入院 2/4 = 50.0, 退院 1/2 = 50.0
response rate 3/4 = 75.0 (居宅 2/3 = 66.7, 包括 1/1 = 100.0)
2025年度: 入院 した 2 しなかった 2 = 50.0; 退院 受けた 1 受けなかった 3 = 25.0
"""

import datetime

import pytest
from django.urls import reverse

from surveys import presets, results, services
from surveys.models import Survey
from tests.surveys.factories import answered, at, respondent

P = presets
YES, NO, NA = P.ADMISSION_YES, P.ADMISSION_NO, P.NOT_APPLICABLE
DYES, DNO = P.DISCHARGE_YES, P.DISCHARGE_NO


def row(hospital, admission, discharge, method=None, timing=None):
    r = {P.HOSPITAL: hospital, P.ADMISSION: admission, P.DISCHARGE: discharge}
    if method:
        r[P.METHOD] = method
    if timing:
        r[P.TIMING] = timing
    return r


def admission_survey(cast, year):
    from tests.resources.factories import make_facility

    if not cast.__dict__.get("hospitals"):
        make_facility("X病院", kind_code="hospital", area=cast.ward1)
        make_facility("Y病院", kind_code="hospital", area=cast.ward1)
        cast.hospitals = True
    return services.create_from_template(
        None,
        Survey.Template.ADMISSION,
        fiscal_year=year,
        opens_at=at(year, 10, 1),
        closes_at=at(2099, 1, 1),
        center=cast.center1,
    )


@pytest.fixture
def counted(cast):
    last = admission_survey(cast, 2025)
    answered(
        last,
        {
            "care_managers": 2,
            "had_clients": "いた",
            "clients": [
                row("X病院", YES, DYES, "電話", "退院当日"),
                row("X病院", YES, DNO, "電話"),
                row("Y病院", NO, DNO),
                row("Y病院", NO, DNO),
            ],
        },
    )
    this = admission_survey(cast, 2026)
    answered(
        this,
        {
            "care_managers": 3,
            "had_clients": "いた",
            "clients": [
                row("X病院", YES, DYES, "電話", "退院前7日以上"),
                row("X病院", YES, DNO, "FAX"),
                row("Y病院", NO, DYES, None, "退院当日"),
            ],
        },
        label="A",
    )
    answered(
        this,
        {
            "care_managers": 1,
            "had_clients": "いた",
            "clients": [
                row("Y病院", YES, NA, "連携シート"),
                row("X病院", NA, DNO),
                row("Y病院", YES, DNO, "ICT"),
                row("Y病院", NO, NA),
            ],
        },
        label="B",
    )
    answered(this, {"care_managers": 2, "had_clients": "いなかった"}, label="C", group="地域包括支援センター")
    respondent(this, label="D")
    return last, this


def test_the_template_lists_the_directorys_hospitals_and_the_five_timings(counted):
    _, this = counted
    clients = this.questions.get(key="clients")
    columns = {c["key"]: c["choices"] for c in clients.columns}
    assert columns[P.HOSPITAL] == ["X病院", "Y病院", "その他の病院"]
    assert columns[P.TIMING] == ["退院前7日以上", "退院前3〜6日", "退院の前日〜2日前", "退院当日", "退院後"]
    assert columns[P.METHOD] == ["電話", "FAX", "訪問", "連携シート", "ICT"]
    assert clients.show_if_question.key == "had_clients"


def test_rates_by_hospital_and_trend_match_the_hand_count(counted):
    _, this = counted
    report = results.admission_report(this)
    admission, discharge = report["rates"]
    assert (admission.yes, admission.total, admission.value) == (4, 6, 66.7)
    assert (discharge.yes, discharge.total, discharge.value) == (2, 5, 40.0)
    hospitals = {h: (a.value, d.value) for h, a, d in report["by_hospital"]}
    assert hospitals == {"X病院": (100.0, 33.3), "Y病院": (50.0, 50.0)}
    assert [(y, a.value, d.value) for y, a, d in report["trend"]] == [(2025, 50.0, 25.0), (2026, 66.7, 40.0)]


def test_the_result_page_shows_the_rates_and_response_rate_as_data_attributes(counted, client_for):
    _, this = counted
    page = client_for("official").get(reverse("surveys:results", args=[this.pk])).content.decode()
    assert 'data-rate="入院時連絡率" data-value="66.7"' in page
    assert 'data-rate="退院時連絡率" data-value="40.0"' in page
    assert 'data-response-rate="75.0"' in page
    assert 'data-group-rate="66.7"' in page and 'data-group-rate="100.0"' in page
    assert 'data-year="2025"' in page and "chart-trend" in page
    # the timing column: 7日以上 1, 当日 1 of 2
    assert (
        '<tr data-choice="退院当日"><th scope="row">退院当日</th><td class="num" data-count>1</td><td class="num">50.0%'
        in page
    )


def test_a_client_row_saying_contacted_must_say_how(cast, client):
    this = admission_survey(cast, 2026)
    r = respondent(this)
    q = {x.key: x.pk for x in this.questions.all()}
    page = client.post(
        reverse("surveys:answer", args=[r.token]),
        {
            f"q{q['care_managers']}": "2",
            f"q{q['had_clients']}": "いた",
            f"q{q['clients']}_r0_{P.HOSPITAL}": "X病院",
            f"q{q['clients']}_r0_{P.ADMISSION}": YES,
            f"q{q['clients']}_r0_{P.DISCHARGE}": NA,
            f"q{q['clients']}_rows": "5",
        },
    )
    assert page.status_code == 400
    assert "1行目: 「入院時の連絡の方法」を選んでください" in page.content.decode()
    assert not r.answers.exists()


def test_the_rows_can_be_extended_without_javascript(cast, client):
    this = admission_survey(cast, 2026)
    r = respondent(this)
    clients = this.questions.get(key="clients")
    page = client.post(
        reverse("surveys:answer", args=[r.token]), {f"q{clients.pk}_rows": "5", f"q{clients.pk}_more": "1"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("data-client-row=") == 10
    assert "答えてください" not in text  # not a submission: no errors yet
    assert not r.answers.exists()


def test_the_tables_workbook_hides_small_counts(counted, client_for):
    import io

    from openpyxl import load_workbook

    _, this = counted
    response = client_for("coordinator").get(reverse("surveys:results", args=[this.pk]) + "?format=tables")
    wb = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    trend = list(wb["連絡率"].iter_rows(values_only=True))
    assert trend[0][0] == "年度"
    assert trend[2][:3] == (2026, "－", 6)  # 6 rows, 2 of them しなかった: below 5
    raw = client_for("coordinator").get(reverse("surveys:results", args=[this.pk]) + "?format=raw")
    sheets = load_workbook(io.BytesIO(raw.content)).sheetnames
    assert sheets == ["回答", "clients"]


def test_vacancy_template_stores_its_answers(cast):
    s = services.create_from_template(
        None, Survey.Template.VACANCY, fiscal_year=2026, opens_at=at(2026, 4, 1), closes_at=at(2099, 1, 1)
    )
    r = answered(s, {"as_of": datetime.date(2026, 11, 1).isoformat(), "capacity": 50, "vacant_beds": 3})
    assert dict(r.answers.values_list("question__key", "value")) == {
        "as_of": "2026-11-01",
        "capacity": 50,
        "vacant_beds": 3,
    }
