"""年度のまとめ for the year-end report: the list of the year's meetings (who took part, how many
attended), the 解決策 carried out in the year (at a meeting or a training event held in it), and
who raised each 課題 named with both the organisation and the profession, on the page and in the
workbook, in a fixed number of queries, each reader seeing what the page already scopes."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from coordination.models import Profession, Role, User
from meetings.models import MeetingAttendance, Solution, Tier
from tests.meetings.factories import make_issue, make_meeting, org
from tests.training.factories import make_event

pytestmark = pytest.mark.django_db

PAGE = "/meetings/years/?fiscal_year=2026"


def _workbook(client, url=PAGE):
    response = client.get(url + "&format=xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return list(sheet.iter_rows(min_row=3, values_only=True))


def _section(html, heading_id):
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def year(cast):
    """Center 1's 2026 meetings (one of them in 2025, one of center 2's), and its 解決策."""
    msw = Profession.objects.create(name="MSW", sort_order=9)
    hospital = org("病院地域連携室連絡会", "病")
    pharmacy = org("薬剤師会", "薬")
    late = make_meeting(
        cast.center1,
        Tier.TERTIARY,
        "推進協議会",
        (2026, 9, 3),
        [hospital, pharmacy],
        title="第2回 推進協議会",
    )
    MeetingAttendance.objects.create(meeting=late, profession=msw, count=4)
    MeetingAttendance.objects.create(meeting=late, profession=cast.nurse, count=8)
    early = make_meeting(
        cast.center1, Tier.SECONDARY, "同行訪問", (2026, 5, 20), [pharmacy], venue="東区役所"
    )
    last_year = make_meeting(cast.center1, Tier.SECONDARY, "同行訪問", (2026, 3, 10), [pharmacy])
    west = make_meeting(cast.center2, Tier.PRIMARY, "打ち合わせ会", (2026, 6, 1), title="西センターの会議")
    issue = make_issue(
        cast.center1, "病-A", "退院時の情報共有が遅れる", hospital, (2026, 4, 10), profession=msw
    )
    other = make_issue(cast.center1, "薬-A", "ケアマネジャーの顔が分からない", pharmacy, (2025, 6, 1))
    training = make_event(cast.center1, (2026, 11, 5, 18, 30), "退院支援の多職種研修", venue="市民会館")
    at_meetings = Solution.objects.create(center=cast.center1, title="同行訪問研修")
    at_meetings.issues.set([issue, other])
    at_meetings.meetings.set([early, late, last_year])
    at_event = Solution.objects.create(center=cast.center1, title="退院支援ルールの研修")
    at_event.issues.set([issue])
    at_event.events.set([training])
    earlier = Solution.objects.create(center=cast.center1, title="前年度に実施した解決策")
    earlier.issues.set([other])
    earlier.meetings.set([last_year])
    earlier.events.set([make_event(cast.center1, (2027, 4, 2, 18, 30), "翌年度の研修")])
    undone = Solution.objects.create(center=cast.center1, title="まだ実施していない解決策")
    undone.issues.set([issue])
    western = Solution.objects.create(center=cast.center2, title="西センターの解決策")
    western.meetings.set([west])
    return {"early": early, "late": late, "west": west, "issue": issue}


def test_the_year_lists_its_meetings_with_the_organisations_and_the_attendees(client_for, cast, year):
    client = client_for("coordinator")
    listed = _section(client.get(PAGE).content.decode(), "h-ys-list")
    assert re.findall(r'data-meeting="(\d+)"', listed) == [str(year["early"].pk), str(year["late"].pk)]
    late = listed.split(f'data-meeting="{year["late"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert "2026/9/3" in late and "三次連携" in late and "推進協議会" in late
    assert f'<a href="/meetings/{year["late"].pk}/">第2回 推進協議会</a>' in late
    assert '<td data-label="参加団体" data-organisations>病院地域連携室連絡会、薬剤師会</td>' in late
    assert re.search(r"data-attendees>12人<", late)  # MSW 4 + 看護師 8
    early = listed.split(f'data-meeting="{year["early"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"data-attendees>—<", early)  # no attendance entered: not 0
    assert "西センターの会議" not in listed
    sheet = _workbook(client)["会議一覧"]
    assert sheet["A1"].value.endswith("令和8年度（2026年度）")
    assert [c.value for c in sheet[2]] == [
        "センター",
        "開催日",
        "連携の段階",
        "種類",
        "名称",
        "参加した団体・機関",
        "参加人数",
    ]
    assert _rows(sheet) == [
        ("東センター", datetime.datetime(2026, 5, 20), "二次連携", "同行訪問", "同行訪問", "薬剤師会", None),
        (
            "東センター",
            datetime.datetime(2026, 9, 3),
            "三次連携",
            "推進協議会",
            "第2回 推進協議会",
            "病院地域連携室連絡会、薬剤師会",
            12,
        ),
    ]
    assert sheet["B3"].number_format == "yyyy/m/d"


def test_the_year_lists_the_solutions_carried_out_in_it_with_where_and_when(client_for, cast, year):
    client = client_for("coordinator")
    carried = _section(client.get(PAGE).content.decode(), "h-ys-solutions")
    titles = re.findall(r"data-card-title>(.+?)</td>", carried)
    assert titles == ["同行訪問研修", "退院支援ルールの研修"]  # in the order first carried out
    visit = carried.split("同行訪問研修", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-issue-labels><span title="退院時の情報共有が遅れる">病-A</span>、<span', visit)
    assert "薬-A" in visit
    occasions = re.findall(r"<span data-occasion>(.+?)</span>", visit)
    assert [re.sub(r"<[^>]+>", "", o) for o in occasions] == [
        "2026/5/20 二次連携「同行訪問」（東区役所）",
        "2026/9/3 三次連携「第2回 推進協議会」",
    ]  # not its 2025 meeting
    assert f'href="/meetings/{year["late"].pk}/"' in visit
    event_row = carried.split("退院支援ルールの研修", 1)[1].split("</tr>", 1)[0]
    assert "2026/11/5 研修「退院支援の多職種研修」（市民会館）" in event_row
    assert "前年度" not in carried and "まだ実施していない" not in carried and "西センター" not in carried
    assert _rows(_workbook(client)["実施した解決策"]) == [
        (
            "東センター",
            "同行訪問研修",
            "病-A、薬-A",
            "二次連携「同行訪問」（東区役所）",
            datetime.datetime(2026, 5, 20),
        ),
        (
            "東センター",
            "同行訪問研修",
            "病-A、薬-A",
            "三次連携「第2回 推進協議会」",
            datetime.datetime(2026, 9, 3),
        ),
        (
            "東センター",
            "退院支援ルールの研修",
            "病-A",
            "研修「退院支援の多職種研修」（市民会館）",
            datetime.datetime(2026, 11, 5),
        ),
    ]


def test_officials_read_every_centers_lists_or_their_wards_and_a_center_filter_narrows_them(
    client_for, cast, year
):
    official = client_for("official")
    html = official.get(PAGE).content.decode()
    assert "西センターの会議" in _section(html, "h-ys-list")
    assert "西センターの解決策" in _section(html, "h-ys-solutions")
    only_west = official.get(PAGE + "&center=C02").content.decode()
    assert re.findall(r"data-card-title>(.+?)</td>", _section(only_west, "h-ys-solutions")) == [
        "西センターの解決策"
    ]
    assert re.findall(r'data-meeting="(\d+)"', _section(only_west, "h-ys-list")) == [str(year["west"].pk)]
    assert [r[1] for r in _rows(_workbook(official, PAGE + "&center=C02")["実施した解決策"])] == [
        "西センターの解決策"
    ]
    ward = User(username="ward", role=Role.OFFICIAL, ward=cast.ward1)
    ward.set_password("x")
    ward.save()
    client = client_for("anonymous")
    client.force_login(ward)
    east_only = client.get(PAGE).content.decode()
    assert "西センター" not in _section(east_only, "h-ys-list") + _section(east_only, "h-ys-solutions")
    assert "同行訪問研修" in _section(east_only, "h-ys-solutions")
    for role in ("anonymous", "professional"):
        response = client_for(role).get(PAGE)
        assert response.status_code in (302, 403, 404) and "同行訪問研修" not in response.content.decode()


def test_who_raised_an_issue_names_the_organisation_and_the_profession_everywhere(client_for, cast, year):
    make_issue(
        cast.center1, "相-1", "眼科の往診医が見つからない", None, (2026, 6, 6), profession=cast.care_manager
    )
    make_issue(cast.center1, "薬-B", "お薬手帳が共有されない", org("薬剤師会"), (2026, 6, 7))
    client = client_for("coordinator")
    both = "病院地域連携室連絡会（MSW）"
    raised = _section(client.get(PAGE).content.decode(), "h-ys-raised")
    assert sorted(re.findall(r"data-raised-by>(.+?)</td>", raised)) == sorted(
        [both, "介護支援専門員", "薬剤師会"]
    )
    detail = client.get(f"/meetings/issues/{year['issue'].pk}/").content.decode()
    assert re.search(rf'<dd data-raised-by><a href="/meetings/organisations/\d+/">{both}</a></dd>', detail)
    register = client.get("/meetings/issues/").content.decode()
    assert f"data-raised-by>{both}</td>" in register
    wb = _workbook(client)
    assert {r[3] for r in _rows(wb["提起された課題"])} == {both, "介護支援専門員", "薬剤師会"}
    listing = load_workbook(io.BytesIO(client.get("/meetings/issues/?format=xlsx").content))["課題一覧"]
    assert both in [c.value for c in listing["C"]]


def test_the_year_page_and_workbook_run_a_fixed_number_of_queries_as_rows_grow(
    client_for, cast, year, django_assert_num_queries
):
    client = client_for("official")
    # The session and the user, the centers an official may choose, the counts, the 課題 raised
    # and solved, the 課題 still open, the meetings and their organisations, the count of meetings
    # entered ahead of their day, the 解決策 and their 課題, meetings and events; the workbook adds
    # its download's audit entry.
    counts = {PAGE: 14, PAGE + "&format=xlsx": 15}
    for url, n in counts.items():
        with django_assert_num_queries(n):
            client.get(url)
    pharmacy, msw = org("薬剤師会"), Profession.objects.get(name="MSW")
    for i in range(6):
        meeting = make_meeting(cast.center2, Tier.SECONDARY, "同行訪問", (2026, 7, 1 + i), [pharmacy])
        MeetingAttendance.objects.create(meeting=meeting, profession=msw, count=i + 1)
        issue = make_issue(cast.center2, f"薬-{i}", "課題", pharmacy, (2026, 7, 1 + i), profession=msw)
        solution = Solution.objects.create(center=cast.center2, title=f"解決策{i}")
        solution.issues.set([issue])
        solution.meetings.set([meeting])
        solution.events.set([make_event(cast.center2, (2026, 8, 1 + i, 18, 0), f"研修{i}")])
    for url in (PAGE, PAGE + "&format=xlsx"):
        with django_assert_num_queries(counts[url]):
            response = client.get(url)
    assert len(_rows(load_workbook(io.BytesIO(response.content))["会議一覧"])) == 9
