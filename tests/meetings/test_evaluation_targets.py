"""計画値 and the 取組事例's written sections entered on the targets page; a ward's own targets and,
without them, the city's targets labelled as such beside the city's results."""

import re

import pytest

from coordination.models import AuditEvent, Role, User
from meetings.models import EvaluationNarrative, ItemTarget, Measure
from tests.meetings.factories import make_meeting
from tests.meetings.test_evaluation import figures

URL = "/meetings/evaluation/targets/"


@pytest.fixture
def ward_official(cast):
    return User.objects.create_user("ward-official", password="x", role=Role.OFFICIAL, ward=cast.ward1)


def signed_in(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def post_data(client, query="?fiscal_year=2026", **changes):
    """The page's own form as the browser would send it, with `changes` ({"カ-events": "4"})."""
    html = client.get(URL + query).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    rows = re.findall(r'data-target-row="([^"]+)"', html)
    for i, key in enumerate(rows):
        if key in changes:
            data[f"t-{i}-planned"] = changes[key]
    for name, value in changes.items():
        if name.startswith("n-"):
            data[name] = value
    return data


def test_a_city_official_enters_the_years_targets_and_they_are_audited(client_for, cast):
    c = client_for("official")
    response = c.post(
        URL + "?fiscal_year=2026", post_data(c, **{"カ-events": "4", "オ-consultations": "500"})
    )
    assert response.status_code == 302 and response["Location"].startswith(
        "/meetings/evaluation/?fiscal_year=2026"
    )
    targets = {(t.item, t.measure, t.ward_id, t.center_id): t.planned for t in ItemTarget.objects.all()}
    assert targets == {("カ", "events", None, None): 4, ("オ", "consultations", None, None): 500}
    assert AuditEvent.objects.filter(object_type="meetings.ItemTarget", action="create").count() == 2
    # Changing one and blanking the other: one update, one removal, each audited.
    c.post(URL + "?fiscal_year=2026", post_data(c, **{"カ-events": "5", "オ-consultations": ""}))
    assert list(ItemTarget.objects.values_list("item", "planned")) == [("カ", 5)]
    assert AuditEvent.objects.filter(object_type="meetings.ItemTarget", detail="計画値: 4 → 5").exists()
    assert AuditEvent.objects.filter(object_type="meetings.ItemTarget", action="delete").count() == 1


def test_a_bad_target_is_a_japanese_error_beside_its_field_and_nothing_is_saved(client_for, cast):
    c = client_for("official")
    data = post_data(c, **{"カ-events": "4", "オ-consultations": "abc", "n-overview": "顔の見える関係づくり"})
    response = c.post(URL + "?fiscal_year=2026", data)
    html = response.content.decode()
    assert response.status_code == 400
    row = re.search(r'data-target-row="オ-consultations".*?</tr>', html, re.S).group(0)
    assert "計画値は0以上の整数で入力してください" in row
    assert "何も保存していません" in html
    assert not ItemTarget.objects.exists() and not EvaluationNarrative.objects.exists()
    negative = post_data(c, **{"カ-events": "-1"})
    html = c.post(URL + "?fiscal_year=2026", negative).content.decode()
    assert "計画値は0以上の整数で入力してください" in re.search(
        r'data-target-row="カ-events".*?</tr>', html, re.S
    ).group(0)


def test_the_narrative_sections_are_saved_per_year_and_shown_on_the_evaluation(client_for, cast):
    c = client_for("official")
    c.post(
        URL + "?fiscal_year=2026",
        post_data(c, **{"n-overview": "顔と顔の見える関係づくり", "n-plans": "継続"}),
    )
    narrative = EvaluationNarrative.objects.get(fiscal_year=2026, ward=None)
    assert (narrative.overview, narrative.plans) == ("顔と顔の見える関係づくり", "継続")
    assert AuditEvent.objects.filter(object_type="meetings.EvaluationNarrative").count() == 1
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    overview = re.search(r'data-section="④".*?</tr>', html, re.S).group(0)
    assert "取組の概要" in overview and "顔と顔の見える関係づくり" in overview
    assert "顔と顔" not in c.get("/meetings/evaluation/?fiscal_year=2025").content.decode()


def test_who_may_enter_targets(client_for, cast, ward_official):
    assert client_for("official").get(URL).status_code == 200
    assert client_for("admin").get(URL + f"?ward={cast.ward2.pk}").status_code == 200
    assert client_for("coordinator").get(URL).status_code == 403
    assert client_for("professional").get(URL).status_code == 403
    anonymous = client_for("anonymous").get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    # A ward-scoped official enters its own ward's targets only (the city's beside, for reference);
    # another ward answers 404.
    ItemTarget.objects.create(fiscal_year=2026, item="カ", measure=Measure.EVENTS, planned=9)
    c = signed_in(ward_official)
    page = c.get(URL + "?fiscal_year=2026").content.decode()
    assert "（東区）" in page
    row = re.search(r'data-target-row="カ-events".*?</tr>', page, re.S).group(0)
    assert re.search(r"data-city-planned>\s*9\s*<", row)
    assert c.get(URL + f"?ward={cast.ward1.pk}").status_code == 200
    assert c.get(URL + f"?ward={cast.ward2.pk}").status_code == 404
    c.post(URL + "?fiscal_year=2026", post_data(c, **{"カ-events": "2"}))
    assert set(ItemTarget.objects.values_list("ward_id", "planned")) == {(cast.ward1.pk, 2), (None, 9)}
    # The city-wide targets are untouched by a ward's entry (and not offered to it).
    assert "市全体</option>" not in page


def test_the_evaluation_page_links_to_the_targets_page_for_those_who_enter_them(client_for, cast):
    assert "data-targets-link" in client_for("official").get("/meetings/evaluation/").content.decode()
    assert "data-targets-link" not in client_for("coordinator").get("/meetings/evaluation/").content.decode()


def test_a_ward_official_without_ward_targets_sees_the_wards_own_figures_and_no_target(cast, ward_official):
    ItemTarget.objects.create(fiscal_year=2026, item="イ", measure=Measure.MEETINGS, planned=4)
    make_meeting(cast.center1, day=(2026, 5, 1), items="イ")  # 東区
    make_meeting(cast.center2, day=(2026, 6, 1), items="イ")  # 西区
    make_meeting(cast.center2, day=(2026, 7, 1), items="イ")
    c = signed_in(ward_official)
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert 'data-targets-of="ward"' in html and "東区の計画値は2026年度分がまだ入力されていません" in html
    assert "data-city-actual" not in html  # the city's results are not the ward's page
    got = figures(c, "fiscal_year=2026")
    # The ward's 1 meeting; 目標未設定 with the city's 4 beside it, and no 達成率 from it.
    assert got[("イ", "meetings")] == {"planned": "目標未設定市全体の目標: 4", "actual": "1", "rate": "—"}
    # a measure the city set no target for either
    assert got[("イ", "issues_raised")] == {"planned": "目標未設定", "actual": "0", "rate": "—"}


def test_a_ward_official_with_ward_targets_sees_them(cast, ward_official):
    ItemTarget.objects.create(fiscal_year=2026, item="イ", measure=Measure.MEETINGS, planned=4)
    ItemTarget.objects.create(
        fiscal_year=2026, item="イ", measure=Measure.MEETINGS, planned=2, ward=cast.ward1
    )
    make_meeting(cast.center1, day=(2026, 5, 1), items="イ")
    make_meeting(cast.center2, day=(2026, 6, 1), items="イ")
    c = signed_in(ward_official)
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert 'data-targets-of="ward"' in html and "計画値: 東区の計画値" in html
    assert figures(c, "fiscal_year=2026")[("イ", "meetings")] == {
        "planned": "2",
        "actual": "1",
        "rate": "50%",
    }
    # A city-wide official choosing the ward reads the same.
    from django.test import Client

    official = Client()
    official.force_login(cast.official)
    got = figures(official, f"fiscal_year=2026&ward={cast.ward1.pk}")[("イ", "meetings")]
    assert got == {"planned": "2", "actual": "1", "rate": "50%"}
    assert figures(official, "fiscal_year=2026")[("イ", "meetings")] == {
        "planned": "4",
        "actual": "2",
        "rate": "50%",
    }


def test_the_xlsx_of_a_ward_without_targets_has_the_wards_figures_and_the_citys_target_apart(
    cast, ward_official
):
    import io

    from openpyxl import load_workbook

    ItemTarget.objects.create(fiscal_year=2026, item="カ", measure=Measure.EVENTS, planned=4)
    response = signed_in(ward_official).get("/meetings/evaluation/?fiscal_year=2026&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content))["事業評価"].iter_rows(values_only=True))
    assert any(r[0] and "東区の計画値は未入力です" in r[0] for r in rows)
    header = next(r for r in rows if r[0] == "事業項目")
    assert header[2:6] == ("東区の計画値", "市全体の目標（参考）", "実績（東区）", "達成率")
    training = next(r for r in rows if r[0] and r[0].startswith("カ") and r[1].startswith("研修の開催数"))
    assert training[2:6] == ("目標未設定", 4, 0, None)


def test_a_ward_with_some_targets_reads_its_own_and_says_which_it_has_not_set(cast, ward_official):
    ItemTarget.objects.create(
        fiscal_year=2026, item="イ", measure=Measure.MEETINGS, planned=2, ward=cast.ward1
    )
    ItemTarget.objects.create(fiscal_year=2026, item="イ", measure=Measure.MEETINGS, planned=12)
    ItemTarget.objects.create(fiscal_year=2026, item="カ", measure=Measure.EVENTS, planned=4)
    make_meeting(cast.center1, day=(2026, 5, 1), items="イ")
    make_meeting(cast.center2, day=(2026, 6, 1), items="イ")
    c = signed_in(ward_official)
    html = c.get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "まだ入力されていません" not in html and "計画値: 東区の計画値" in html
    got = figures(c, "fiscal_year=2026")
    # its own target: no city figure beside it
    assert got[("イ", "meetings")] == {"planned": "2", "actual": "1", "rate": "50%"}
    assert got[("カ", "events")] == {"planned": "目標未設定市全体の目標: 4", "actual": "0", "rate": "—"}
    # an admin choosing the ward reads the same page
    admin = signed_in(cast.admin)
    assert figures(admin, f"fiscal_year=2026&ward={cast.ward1.pk}") == got
