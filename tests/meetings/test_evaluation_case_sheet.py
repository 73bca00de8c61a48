"""The 取組事例（様式） sections (seed 000) on the 事業評価: what the records give, the written sections,
人口/高齢化率 as 「未登録」 until the area statistics exist; the same in the XLSX."""

import datetime
import io
import re

from django.utils import timezone
from openpyxl import load_workbook

from meetings import evaluation
from meetings.models import EvaluationNarrative
from tests.meetings.factories import make_meeting
from tests.meetings.test_evaluation import year  # noqa: F401 (fixture)
from tests.surveys.factories import make_survey, respondent


def section(html, number):
    return re.sub(r"\s+", " ", re.search(rf'data-section="{number}".*?</tr>', html, re.S).group(0))


def test_the_sheet_fills_what_the_records_have(client_for, year):  # noqa: F811
    year.center1.opened_on = datetime.date(2019, 8, 1)
    year.center1.save()
    make_meeting(year.center1, day=(2026, 9, 1), items="イ", tier=2)
    survey = make_survey(year.center1, title="入退院連絡調査", year=2026)
    respondent(survey, submitted_at=timezone.now())
    respondent(survey)
    respondent(survey)
    make_survey(year.center1, title="前年度の調査", year=2025)
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "テスト市" in section(html, "①")
    assert "東センター: 2019年8月1日開設" in section(html, "⑥")
    assert "2019年度（最初のセンターの開設 2019年8月1日 から）" in section(html, "⑥")
    history = section(html, "⑦")
    assert "二次連携 1回" in history and "課題（イ）: 提起 1件、解決 1件" in history
    assert "（30人参加）" in history
    assert "調査「入退院連絡調査」: 回答 1/3件（回答率 33.3%）" in history and "前年度の調査" not in history
    users = section(html, "⑧")
    assert "相談: 延べ 3件、実人数 2人" in users and "研修（カ）: 1回、参加 30人" in users


def test_population_and_ageing_say_unregistered_until_the_statistics_exist(client_for, cast, year):  # noqa: F811
    assert evaluation.population_lines(2026, cast.city) == {}
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "未登録" in section(html, "②") and "未登録" in section(html, "③")


def test_a_ward_without_its_own_text_reads_the_citys_labelled(cast, year):  # noqa: F811
    from django.test import Client

    from coordination.models import Role, User

    EvaluationNarrative.objects.create(fiscal_year=2026, overview="市の取組の概要")
    official = User.objects.create_user("ward-o", password="x", role=Role.OFFICIAL, ward=cast.ward1)
    c = Client()
    c.force_login(official)
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "東区の記述は未入力のため、市全体の記述を表示しています" in html
    assert "市の取組の概要" in section(html, "④")
    EvaluationNarrative.objects.create(fiscal_year=2026, ward=cast.ward1, overview="区の取組の概要")
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "区の取組の概要" in section(html, "④") and "市全体の記述を表示" not in html


def test_the_xlsx_has_the_sheet_of_the_case(client_for, year):  # noqa: F811
    EvaluationNarrative.objects.create(fiscal_year=2026, overview="顔の見える関係づくり")
    response = client_for("official").get("/meetings/evaluation/?fiscal_year=2026&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content))["取組事例"].iter_rows(values_only=True))
    by_title = {r[0]: r for r in rows if r[0]}
    assert by_title["④ 取組の概要"][1] == "顔の見える関係づくり"
    assert by_title["② 人口"][1] == "未登録"
    assert "相談: 延べ 3件" in by_title["⑧ 主な利用者と人数"][2]


def test_population_and_ageing_come_from_the_area_statistics_summed_from_the_wards(client_for, cast, year):  # noqa: F811
    from coordination.models import AreaStatistics

    AreaStatistics.objects.create(
        area=cast.ward1, fiscal_year=2026, population=60000, aged_65=18000, aged_75=9000, source="住基"
    )
    assert (
        evaluation.population_lines(2026, cast.city) == {}
    )  # 西区 has no figures: no city sum from half of it
    AreaStatistics.objects.create(
        area=cast.ward2, fiscal_year=2026, population=40000, aged_65=10000, aged_75=6000
    )

    city = evaluation.population_lines(2026, cast.city)
    assert city == {
        "population": "100,000人（テスト市、2026年度、住基）",
        "ageing": "65歳以上 28.0%（28,000人）、75歳以上 15.0%（15,000人）",
    }
    assert (
        evaluation.population_lines(2026, cast.ward2)["ageing"]
        == "65歳以上 25.0%（10,000人）、75歳以上 15.0%（6,000人）"
    )
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "100,000人" in section(html, "②") and "28.0%" in section(html, "③")


def test_a_survey_not_yet_open_says_when_it_opens_not_a_count(client_for, year):  # noqa: F811
    make_survey(year.center1, title="来月の研修のアンケート", year=2026, opens=(2099, 1, 10))
    history = section(
        client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode(), "⑦"
    )
    assert "調査「来月の研修のアンケート」: 回答受付前（2099年1月10日から）" in history
    assert "来月の研修のアンケート」: 回答 " not in history
