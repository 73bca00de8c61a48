import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from coordination import dates
from coordination.models import Organisation
from meetings.models import Issue, IssueStatus, Meeting, Series, Solution, Tier, check_tier
from meetings.services import fiscal_year_summary, organisation_timeline
from tests.consultations.factories import make_consultation
from tests.meetings.factories import kind, make_issue, make_meeting, org
from tests.training.factories import make_event
from training.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(cast):
    return {
        "薬": org("薬剤師会", "薬"),
        "医": org("医師会", "医"),
        "ケ": org("ケアマネ協議会", "ケ"),
        "歯": org("歯科医師会", "歯"),
    }


def meeting_data(orgs_, tier=1, **extra):
    return {
        "tier": tier,
        "kind": kind("打ち合わせ会").pk,
        "held_on": "2026-06-01",
        "delivery": "in_person",
        "organisations": [o.pk for o in orgs_],
        **extra,
    }


# --- Tier rules ---------------------------------------------------------------------------------


def test_tier_rules_count_counterparts(cast, orgs):
    pharmacist_profession = cast.nurse  # any profession not represented by the chosen organisations
    assert check_tier(Tier.PRIMARY, [orgs["薬"]], []) is None
    assert "1つだけ" in check_tier(Tier.PRIMARY, [orgs["薬"], orgs["医"]], [])
    assert "1つだけ" in check_tier(Tier.PRIMARY, [], [])
    assert check_tier(Tier.PRIMARY, [], [pharmacist_profession]) is None
    assert "2つ以上" in check_tier(Tier.SECONDARY, [orgs["薬"]], [])
    assert check_tier(Tier.SECONDARY, [orgs["薬"]], [pharmacist_profession]) is None
    assert "3つ以上" in check_tier(Tier.TERTIARY, [orgs["薬"], orgs["医"]], [])
    assert check_tier(Tier.TERTIARY, [orgs["薬"], orgs["医"], orgs["ケ"]], []) is None


def test_an_organisation_and_its_own_profession_are_one_counterpart(cast, orgs):
    nurses = Organisation.objects.create(name="訪問看護連絡協議会", profession=cast.nurse)
    assert check_tier(Tier.PRIMARY, [nurses], [cast.nurse]) is None
    assert "2つ以上" in check_tier(Tier.SECONDARY, [nurses], [cast.nurse])


def test_meeting_form_refuses_a_primary_with_two_counterparts_and_saves_nothing(client_for, cast, orgs):
    client = client_for("coordinator")
    response = client.post("/meetings/new/", meeting_data([orgs["薬"], orgs["医"]], tier=1))
    assert "一次連携はセンターと1つの団体・職種との連携です" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post("/meetings/new/", meeting_data([orgs["薬"]], tier=1, minutes="1行目\n2行目"))
    meeting = Meeting.objects.get()
    assert meeting.center == cast.center1 and meeting.tier == Tier.PRIMARY
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "1行目<br>2行目" in page  # line breaks kept


def test_meeting_end_before_start_and_another_centers_series_are_refused(client_for, cast, orgs):
    other = Series.objects.create(center=cast.center2, name="西の地域コア会議", kind=kind("地域コア会議"))
    client = client_for("admin")
    data = meeting_data(
        [orgs["薬"]], center=cast.center1.pk, start_time="14:00", end_time="13:00", series=other.pk
    )
    body = client.post("/meetings/new/", data).content.decode()
    assert "終了時刻が開始時刻より前になっています。" in body
    assert "別のセンターの会議体は選べません。" in body
    assert not Meeting.objects.exists()


# --- 課題: raising, labels, status history ---------------------------------------------------------


def test_raising_two_issues_at_a_primary_meeting_defaults_the_organisation(client_for, cast, orgs):
    meeting = make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2024, 9, 3))
    client = client_for("coordinator")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'<option value="{orgs["薬"].pk}" selected>' in page
    for label, title in [
        ("薬-A", "ケアマネジャーの顔が分からない"),
        ("薬-F", "「訪問指示」の処方箋が来ない"),
    ]:
        client.post(
            f"/meetings/{meeting.pk}/issues/new/",
            {
                "issue-label": label,
                "issue-title": title,
                "issue-organisation": orgs["薬"].pk,
                "issue-raised_on": "2024-09-03",
            },
        )
    issues = Issue.objects.order_by("label")
    assert [(i.label, i.raised_at_meeting_id, i.center_id, i.status) for i in issues] == [
        ("薬-A", meeting.pk, cast.center1.pk, "new"),
        ("薬-F", meeting.pk, cast.center1.pk, "new"),
    ]
    # The same label for the same organisation is refused with the field named.
    body = client.post(
        f"/meetings/{meeting.pk}/issues/new/",
        {
            "issue-label": "薬-A",
            "issue-title": "別の課題",
            "issue-organisation": orgs["薬"].pk,
            "issue-raised_on": "2024-09-03",
        },
    ).content.decode()
    assert "ラベル「薬-A」はこの団体・職種ですでに使われています。" in body
    assert Issue.objects.count() == 2
    # …but another organisation may use it, and so may another center.
    make_issue(cast.center1, label="薬-A", organisation=orgs["歯"])
    make_issue(cast.center2, label="薬-A", organisation=orgs["薬"])


def test_a_primary_meeting_suggests_the_organisations_next_free_label(client_for, cast, orgs):
    make_issue(cast.center1, label="薬-A", organisation=orgs["薬"])
    make_issue(cast.center1, label="薬-C", organisation=orgs["薬"])
    make_issue(cast.center1, label="歯-B", organisation=orgs["歯"])  # another organisation's letters
    make_issue(cast.center2, label="薬-B", organisation=orgs["薬"])  # another center's register
    meeting = make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2024, 9, 3))
    client = client_for("coordinator")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert re.search(r'<input[^>]*name="issue-label"[^>]*value="薬-B"', page)
    # With two organisations the coordinator chooses who raised it, so nothing is guessed.
    joint = make_meeting(cast.center1, organisations=[orgs["薬"], orgs["歯"]], day=(2024, 9, 4))
    page = client.get(f"/meetings/{joint.pk}/").content.decode()
    assert not re.search(r'<input[^>]*name="issue-label"[^>]*value=', page)


def test_an_issue_needs_an_organisation_or_a_profession(client_for, cast):
    body = (
        client_for("coordinator")
        .post("/meetings/issues/new/", {"label": "X-1", "title": "誰の課題か不明", "raised_on": "2026-06-01"})
        .content.decode()
    )
    assert "課題を提起した団体または職種を選んでください。" in body
    assert not Issue.objects.exists()


def test_a_blank_label_follows_the_chosen_organisations_next_free_one(client_for, cast, orgs):
    make_issue(cast.center1, label="薬-A", organisation=orgs["薬"])
    joint = make_meeting(
        cast.center1, Tier.SECONDARY, organisations=[orgs["薬"], orgs["歯"]], day=(2024, 9, 4)
    )
    client = client_for("coordinator")
    page = client.get(f"/meetings/{joint.pk}/").content.decode()
    assert "空欄なら、提起した団体の略称から次の記号を付けます。" in page
    for organisation in (orgs["薬"], orgs["歯"]):
        client.post(
            f"/meetings/{joint.pk}/issues/new/",
            {
                "issue-label": "",
                "issue-title": "退院時の情報共有",
                "issue-organisation": organisation.pk,
                "issue-raised_on": "2024-09-04",
            },
        )
    assert sorted(Issue.objects.filter(raised_at_meeting=joint).values_list("label", flat=True)) == [
        "歯-A",
        "薬-B",
    ]
    # An organisation without a short name gives nothing to build on: the label is asked for.
    plain = org("地域の病院", "")
    body = client.post(
        "/meetings/issues/new/",
        {"label": "", "title": "夜間の連絡先", "organisation": plain.pk, "raised_on": "2024-09-04"},
    ).content.decode()
    assert "ラベルを入力してください（提起した団体に略称がないため、自動では付けられません）。" in body
    assert not Issue.objects.filter(title="夜間の連絡先").exists()


def test_status_changes_are_dated_and_listed_in_order(client_for, cast, orgs):
    issue = make_issue(cast.center1, organisation=orgs["薬"], day=(2024, 9, 3))
    client = client_for("coordinator")
    client.post(f"/meetings/issues/{issue.pk}/status/", {"status": "reviewing", "changed_on": "2024-10-01"})
    client.post(
        f"/meetings/issues/{issue.pk}/status/",
        {"status": "solved", "changed_on": "2026-05-30", "note": "顔の見える関係ができた"},
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SOLVED
    assert list(issue.status_changes.values_list("status", "changed_on")) == [
        ("reviewing", datetime.date(2024, 10, 1)),
        ("solved", datetime.date(2026, 5, 30)),
    ]
    bad = client.post(
        f"/meetings/issues/{issue.pk}/status/", {"status": "nonsense", "changed_on": ""}, follow=True
    )
    assert "状態の変更" in bad.content.decode()
    assert issue.status_changes.count() == 2
    # Officials read but cannot change a center's 課題 (they change the city's own only: 404);
    # another center's coordinator does not even find it.
    assert (
        client_for("official").post(f"/meetings/issues/{issue.pk}/status/", {"status": "new"}).status_code
        == 404
    )
    assert (
        client_for("coordinator2").post(f"/meetings/issues/{issue.pk}/status/", {"status": "new"}).status_code
        == 404
    )


def test_the_status_form_starts_at_the_current_status(client_for, cast, orgs):
    issue = make_issue(cast.center1, organisation=orgs["薬"], day=(2024, 9, 3))
    client = client_for("coordinator")
    client.post(f"/meetings/issues/{issue.pk}/status/", {"status": "in_progress", "changed_on": "2024-10-01"})
    html = client.get(f"/meetings/issues/{issue.pk}/").content.decode()
    assert re.search(r'<option value="in_progress" selected>', html), "starts where the 課題 stands"
    assert not re.search(r'<option value="new" selected>', html)


def test_a_status_dated_before_the_last_step_or_the_raising_is_refused_and_named(client_for, cast, orgs):
    issue = make_issue(cast.center1, organisation=orgs["薬"], day=(2024, 9, 3))
    client = client_for("coordinator")
    client.post(f"/meetings/issues/{issue.pk}/status/", {"status": "in_progress", "changed_on": "2025-01-14"})
    page = client.post(
        f"/meetings/issues/{issue.pk}/status/", {"status": "solved", "changed_on": "2024-12-05"}, follow=True
    ).content.decode()
    assert "これまでの最後の経過（令和7年1月14日「解決策実施中」）より前の日付にはできません。" in page
    page = client.post(
        f"/meetings/issues/{issue.pk}/status/", {"status": "solved", "changed_on": "2024-09-01"}, follow=True
    ).content.decode()
    assert "より前の日付にはできません。" in page
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS and issue.status_changes.count() == 1
    # The same day as the last step is fine: two steps of one meeting.
    client.post(f"/meetings/issues/{issue.pk}/status/", {"status": "solved", "changed_on": "2025-01-14"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SOLVED


# --- Raising a 課題 from a consultation -----------------------------------------------------------


def test_coordinator_raises_an_issue_from_a_consultation(client_for, cast):
    consultation = make_consultation(cast.center1, summary="眼科の往診医が見つからない")
    client = client_for("coordinator")
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert f"/meetings/issues/new/?consultation={consultation.pk}" in page
    form = client.get(f"/meetings/issues/new/?consultation={consultation.pk}").content.decode()
    assert "相談から課題を起票" in form and 'name="center"' not in form
    response = client.post(
        "/meetings/issues/new/",
        {
            "consultation": consultation.pk,
            "label": "相-1",
            "title": "眼科の往診医が見つからない",
            "profession": cast.care_manager.pk,
            "raised_on": "2026-08-03",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/consultations/{consultation.pk}/"
    issue = Issue.objects.get()
    assert (issue.raised_from_consultation, issue.center) == (consultation, cast.center1)
    assert (
        "相-1 眼科の往診医が見つからない" in client.get(f"/consultations/{consultation.pk}/").content.decode()
    )


def test_who_may_raise_an_issue_from_a_consultation(client_for, cast):
    consultation = make_consultation(cast.center1)
    url = f"/meetings/issues/new/?consultation={consultation.pk}"
    got = {
        role: client_for(role).get(url).status_code
        for role in ("admin", "coordinator", "coordinator2", "professional", "official")
    }
    assert got == {
        "admin": 200,
        "coordinator": 200,
        "coordinator2": 404,
        "professional": 403,
        "official": 404,  # officials raise city-owned 課題, but never open a consultation
    }
    client_for("coordinator2").post(
        "/meetings/issues/new/",
        {
            "consultation": consultation.pk,
            "label": "X",
            "title": "x",
            "profession": cast.nurse.pk,
            "raised_on": "2026-08-03",
        },
    )
    assert not Issue.objects.exists()


def test_officials_see_an_issue_from_a_consultation_without_the_consultation_link(client_for, cast):
    consultation = make_consultation(cast.center1)
    issue = make_issue(
        cast.center1, label="相-1", profession=cast.care_manager, raised_from_consultation=consultation
    )
    official = client_for("official").get(f"/meetings/issues/{issue.pk}/").content.decode()
    assert "相談" in official and f"/consultations/{consultation.pk}/" not in official
    coordinator = client_for("coordinator").get(f"/meetings/issues/{issue.pk}/").content.decode()
    assert f"/consultations/{consultation.pk}/" in coordinator


# --- 解決策 and lineage across years ---------------------------------------------------------------


def test_solution_carried_out_at_a_later_meeting_moves_its_issues_on(client_for, cast, orgs):
    first = make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2024, 9, 3))
    a = make_issue(cast.center1, "薬-A", organisation=orgs["薬"], raised_at_meeting=first, day=(2024, 9, 3))
    f = make_issue(
        cast.center1,
        "薬-F",
        "「訪問指示」の処方箋が来ない",
        organisation=orgs["薬"],
        raised_at_meeting=first,
        day=(2024, 9, 3),
    )
    visit = make_meeting(
        cast.center1,
        Tier.SECONDARY,
        "同行訪問",
        (2025, 6, 12),
        [orgs["薬"], orgs["医"]],
        title="医科薬科同行訪問研修",
    )
    client = client_for("coordinator")
    form = client.get(f"/meetings/solutions/new/?meeting={visit.pk}").content.decode()
    assert f'value="{visit.pk}" id="id_meetings_' in form and "checked" in form
    client.post(
        "/meetings/solutions/new/",
        {
            "title": "医科薬科在宅医療同行訪問研修",
            "issues": [f.pk],
            "meetings": [visit.pk],
            "decided_on": "2024-09-03",
        },
    )
    solution = Solution.objects.get()
    assert list(solution.meetings.all()) == [visit] and list(solution.issues.all()) == [f]
    f.refresh_from_db()
    a.refresh_from_db()
    assert (f.status, a.status) == (IssueStatus.IN_PROGRESS, IssueStatus.NEW)
    assert f.status_changes.get().changed_on == datetime.date(2025, 6, 12)
    # Lineage: raised in FY2024, decided the same day, carried out and moved on in FY2025.
    lineage = f.lineage()
    assert [year for year, _ in lineage] == ["令和6年度（2024年度）", "令和7年度（2025年度）"]
    assert [kind for _, kind, _, _ in lineage[0][1]] == ["raised", "decided"]
    assert [kind for _, kind, _, _ in lineage[1][1]] == ["carried_out", "status"]
    page = client.get(f"/meetings/issues/{f.pk}/").content.decode()
    assert "二次連携「医科薬科同行訪問研修」で実施" in page


def test_a_solution_from_a_meeting_starts_with_the_issues_it_took_up(client_for, cast, orgs):
    meeting = make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2024, 9, 3))
    taken_up = make_issue(cast.center1, "薬-A", organisation=orgs["薬"], day=(2024, 9, 3))
    other = make_issue(cast.center1, "薬-B", organisation=orgs["薬"], day=(2024, 9, 3))
    meeting.issues_discussed.add(taken_up)
    html = client_for("coordinator").get(f"/meetings/solutions/new/?meeting={meeting.pk}").content.decode()
    assert re.search(rf'<input type="checkbox" name="issues" value="{taken_up.pk}"[^>]* checked', html)
    assert not re.search(rf'<input type="checkbox" name="issues" value="{other.pk}"[^>]* checked', html)


def test_a_solution_cannot_use_another_centers_meeting(client_for, cast, orgs):
    issue = make_issue(cast.center1, organisation=orgs["薬"])
    other = make_meeting(cast.center2, organisations=[orgs["薬"]])
    client = client_for("admin")
    body = client.post(
        "/meetings/solutions/new/",
        {"center": cast.center1.pk, "title": "x", "issues": [issue.pk], "meetings": [other.pk]},
    ).content.decode()
    assert "別のセンターの記録は選べません。" in body
    assert not Solution.objects.exists()
    assert client_for("coordinator").get(f"/meetings/solutions/new/?meeting={other.pk}").status_code == 404


def test_solution_carried_out_at_a_training_event_shows_on_the_event_page(client_for, cast, orgs):
    issue = make_issue(
        cast.center1, "歯-A", "訪問歯科の依頼の仕方が分からない", organisation=orgs["歯"], day=(2024, 8, 21)
    )
    event = make_event(cast.center1, when=(2025, 1, 14, 18, 0), title="地域包括ケア時代の歯科の役割")
    client = client_for("coordinator")
    client.post(
        "/meetings/solutions/new/",
        {"title": "歯科往診依頼書の周知", "issues": [issue.pk], "events": [event.pk]},
    )
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert "この研修で実施した解決策" in page and "歯科往診依頼書の周知" in page
    assert (
        "研修「地域包括ケア時代の歯科の役割」で実施"
        in client.get(f"/meetings/issues/{issue.pk}/").content.decode()
    )


def _pharmacy_story(cast, orgs):
    """釜石市's 薬剤師会 table, shortened: FY2024 一次 raises A and F; FY2025 a 二次 同行訪問 carries
    out a 解決策 for F and a 合同研修会 discusses A; FY2026 a 三次 推進協議会 and a training event."""
    first = make_meeting(
        cast.center1, organisations=[orgs["薬"]], day=(2024, 9, 3), title="薬剤師会との打ち合わせ会"
    )
    a = make_issue(cast.center1, "薬-A", organisation=orgs["薬"], raised_at_meeting=first, day=(2024, 9, 3))
    f = make_issue(
        cast.center1,
        "薬-F",
        "訪問指示が来ない",
        organisation=orgs["薬"],
        raised_at_meeting=first,
        day=(2024, 9, 3),
    )
    visit = make_meeting(
        cast.center1,
        Tier.SECONDARY,
        "同行訪問",
        (2025, 6, 12),
        [orgs["医"], orgs["ケ"]],
        title="医科薬科同行訪問研修",
    )
    joint = make_meeting(
        cast.center1,
        Tier.SECONDARY,
        "合同研修会",
        (2025, 11, 20),
        [orgs["薬"], orgs["ケ"]],
        title="ケアマネ・薬科合同研修会",
    )
    joint.issues_discussed.set([a])
    s = Solution.objects.create(center=cast.center1, title="同行訪問研修")
    s.issues.set([f])
    s.meetings.set([visit])
    make_meeting(
        cast.center1,
        Tier.TERTIARY,
        "推進協議会",
        (2026, 7, 10),
        [orgs["薬"], orgs["医"], orgs["ケ"]],
        title="推進協議会",
    )
    event = make_event(cast.center1, when=(2027, 1, 22, 18, 0), title="薬薬連携の現状")
    s2 = Solution.objects.create(center=cast.center1, title="多職種対象の報告会")
    s2.issues.set([a])
    s2.events.set([event])
    make_meeting(
        cast.center2,
        Tier.PRIMARY,
        day=(2025, 5, 1),
        organisations=[orgs["薬"]],
        title="西センターの打ち合わせ",
    )
    return a, f


def test_organisation_timeline_has_year_rows_with_tiers_and_labels(client_for, cast, orgs):
    _pharmacy_story(cast, orgs)
    _issues, table = organisation_timeline(
        orgs["薬"],
        Meeting.objects.for_user(cast.coordinator),
        Issue.objects.for_user(cast.coordinator),
        Event.objects.for_user(cast.coordinator),
    )
    rows = [
        (y["year"], [(e["tier"], e["what"], e["labels"]) for e in y["entries"]], y["raised"]) for y in table
    ]
    assert rows == [
        (2024, [("一次連携", "薬剤師会との打ち合わせ会", ["薬-A", "薬-F"])], ["薬-A", "薬-F"]),
        (
            2025,
            [
                ("二次連携", "医科薬科同行訪問研修", ["薬-F"]),
                ("二次連携", "ケアマネ・薬科合同研修会", ["薬-A"]),
            ],
            [],
        ),
        (2026, [("三次連携", "推進協議会", []), ("研修", "薬薬連携の現状", ["薬-A"])], []),
    ]
    page = client_for("coordinator").get(f"/meetings/organisations/{orgs['薬'].pk}/").content.decode()
    assert "西センターの打ち合わせ" not in page  # another center's meeting
    assert page.count('data-year="2025"') == 2
    assert "data-owner" not in page  # one center's records: no need to name it on each row
    official = client_for("official").get(f"/meetings/organisations/{orgs['薬'].pk}/").content.decode()
    assert "西センターの打ち合わせ" in official
    # The city reads several centers' rows: each names whose it is.
    west = official.split("西センターの打ち合わせ", 1)[1].split("</td>", 1)[0]
    assert "<small data-owner>西センター</small>" in west


def test_each_timeline_line_says_whether_its_issues_were_raised_discussed_or_a_solution_carried_out(
    client_for, cast, orgs
):
    _pharmacy_story(cast, orgs)
    _issues, table = organisation_timeline(
        orgs["薬"],
        Meeting.objects.for_user(cast.coordinator),
        Issue.objects.for_user(cast.coordinator),
        Event.objects.for_user(cast.coordinator),
    )
    acts = {
        e["what"]: [(a["what"], a.get("solution"), a["labels"]) for a in e["acts"]]
        for y in table
        for e in y["entries"]
    }
    assert acts == {
        "薬剤師会との打ち合わせ会": [("提起", None, ["薬-A", "薬-F"])],
        "医科薬科同行訪問研修": [("解決策を実施", "同行訪問研修", ["薬-F"])],
        "ケアマネ・薬科合同研修会": [("協議", None, ["薬-A"])],
        "推進協議会": [],
        "薬薬連携の現状": [("解決策を実施", "多職種対象の報告会", ["薬-A"])],
    }
    page = client_for("coordinator").get(f"/meetings/organisations/{orgs['薬'].pk}/").content.decode()
    cells = dict(
        re.findall(
            r'<td data-label="内容">.*?>([^<>]+)</a>.*?<td data-label="課題について" data-labels>(.*?)</td>',
            page,
            re.S,
        )
    )
    assert (
        '<li data-act="raised"><span class="timeline-act">提起</span> 薬-A 薬-F</li>'
        in cells["薬剤師会との打ち合わせ会"]
    )
    assert (
        '<li data-act="discussed"><span class="timeline-act">協議</span> 薬-A</li>'
        in cells["ケアマネ・薬科合同研修会"]
    )
    assert (
        '<li data-act="carried_out"><span class="timeline-act">解決策を実施</span> 「同行訪問研修」（薬-F）</li>'
        in cells["医科薬科同行訪問研修"]
    )
    assert cells["推進協議会"] == "—"


def test_fiscal_year_summary_counts_meetings_by_tier_and_kind_and_issues(client_for, cast, orgs):
    a, f = _pharmacy_story(cast, orgs)
    a.change_status(IssueStatus.SOLVED, datetime.date(2026, 3, 31))  # still FY2025
    f.change_status(IssueStatus.SOLVED, datetime.date(2026, 4, 1))  # FY2026
    s = fiscal_year_summary(
        2025, Meeting.objects.for_user(cast.coordinator), Issue.objects.for_user(cast.coordinator)
    )
    assert [(r["tier"], r["kind"], r["n"]) for r in s["counts"]] == [
        ("二次連携", "同行訪問", 1),
        ("二次連携", "合同研修会", 1),
    ]
    assert s["tier_totals"] == {"一次連携": 0, "二次連携": 2, "三次連携": 0} and s["total"] == 2
    assert s["raised"] == [] and [i.label for _, i in s["solved"]] == ["薬-A"]
    s24 = fiscal_year_summary(2024, Meeting.objects.all(), Issue.objects.all())
    assert [i.label for i in s24["raised"]] == ["薬-A", "薬-F"]
    client = client_for("coordinator")
    page = client.get("/meetings/years/?fiscal_year=2025").content.decode()
    assert "data-total>2<" in page.replace('"', "")
    wb = load_workbook(io.BytesIO(client.get("/meetings/years/?fiscal_year=2025&format=xlsx").content))
    assert list(wb["会議"].iter_rows(min_row=3, values_only=True))[-1] == ("合計", None, 2)
    assert [r[:2] for r in wb["解決した課題"].iter_rows(min_row=3, values_only=True)] == [
        ("東センター", "薬-A")
    ]
    assert "年度は2000〜2100の数字で" in client.get("/meetings/years/?fiscal_year=abc").content.decode()


def test_issue_register_xlsx_has_every_visible_issue_and_no_other_centers(client_for, cast, orgs):
    _pharmacy_story(cast, orgs)
    make_issue(cast.center2, "西-1", "西センターの課題", organisation=orgs["医"])
    wb = load_workbook(io.BytesIO(client_for("coordinator").get("/meetings/issues/?format=xlsx").content))
    rows = list(wb["課題一覧"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[2], r[7]) for r in rows] == [
        ("薬-A", "薬剤師会", "多職種対象の報告会"),
        ("薬-F", "薬剤師会", "同行訪問研修"),
    ]
    # A filter cannot widen it to another center.
    other = client_for("coordinator").get(f"/meetings/issues/?organisation={orgs['医'].pk}&format=xlsx")
    assert (
        list(load_workbook(io.BytesIO(other.content))["課題一覧"].iter_rows(min_row=3, values_only=True))
        == []
    )


# --- Visibility ---------------------------------------------------------------------------------


def test_professionals_read_only_meetings_marked_shared(client_for, cast, orgs):
    shared = make_meeting(
        cast.center1,
        Tier.TERTIARY,
        "推進協議会",
        organisations=[orgs["薬"], orgs["医"], orgs["ケ"]],
        shared=True,
        title="公開の協議会",
    )
    private = make_meeting(cast.center1, organisations=[orgs["薬"]], title="内部の打ち合わせ")
    client = client_for("professional")
    body = client.get("/meetings/").content.decode()
    assert "公開の協議会" in body and "内部の打ち合わせ" not in body
    assert client.get(f"/meetings/{shared.pk}/").status_code == 200
    assert client.get(f"/meetings/{private.pk}/").status_code == 404


def test_series_lists_its_meetings(client_for, cast, orgs):
    series = Series.objects.create(
        center=cast.center1, name="地域コア会議", kind=kind("地域コア会議"), cadence="毎月"
    )
    for month in (4, 5, 6):
        make_meeting(
            cast.center1,
            Tier.SECONDARY,
            "地域コア会議",
            (2026, month, 15),
            [orgs["医"], orgs["ケ"]],
            series=series,
        )
    client = client_for("coordinator")
    page = client.get(f"/meetings/series/{series.pk}/").content.decode()
    assert "開催の記録（3回）" in page
    form = client.get(f"/meetings/new/?series={series.pk}").content.decode()
    assert f'<option value="{series.pk}" selected>' in form
    client.post(
        "/meetings/series/new/",
        {
            "name": "地域ケア連絡会議",
            "kind": kind("地域ケア連絡会議").pk,
            "tier": 3,
            "cadence": "2か月ごと",
            "active": "on",
        },
    )
    assert Series.objects.get(name="地域ケア連絡会議").center == cast.center1


# --- Query counts -------------------------------------------------------------------------------


def _grow(cast, orgs, n, start):
    for i in range(n):
        m = make_meeting(
            cast.center1, Tier.SECONDARY, "情報交換会", (2025, 4, 1 + start + i), [orgs["薬"], orgs["医"]]
        )
        m.professions.set([cast.nurse])
        issue = make_issue(cast.center1, f"薬-{start + i}", organisation=orgs["薬"], raised_at_meeting=m)
        s = Solution.objects.create(center=cast.center1, title=f"解決策{start + i}")
        s.issues.set([issue])
        s.meetings.set([m])


@pytest.mark.parametrize(
    "url,queries",
    [
        ("/meetings/", 9),  # + the months with meetings, for the 年度 choices
        ("/meetings/?fiscal_year=2025", 9),
        ("/meetings/issues/", 8),  # + the years whose register holds an issue, for the 年度 choices
        ("/meetings/issues/?fiscal_year=2026", 8),
        ("/meetings/issues/?fiscal_year=2026&status=new", 8),
        ("/meetings/series/", 3),
        ("/meetings/organisations/", 5),
        # + the meetings with their organisations, the 解決策 carried out with their 課題,
        # meetings and events, the count of meetings entered ahead of their day, and the 課題
        # still open at the 年度末
        ("/meetings/years/?fiscal_year=2025", 13),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    url, queries, client_for, cast, orgs, django_assert_num_queries
):
    client = client_for("coordinator")
    Series.objects.create(center=cast.center1, name="地域コア会議", kind=kind("地域コア会議"))
    _grow(cast, orgs, 2, 0)
    Issue.objects.first().change_status(IssueStatus.SOLVED, datetime.date(2025, 5, 1))
    with django_assert_num_queries(queries):
        client.get(url)
    _grow(cast, orgs, 8, 10)
    Series.objects.create(center=cast.center1, name="地域ケア連絡会議", kind=kind("地域ケア連絡会議"))
    Issue.objects.last().change_status(IssueStatus.SOLVED, datetime.date(2025, 6, 1))
    with django_assert_num_queries(queries):
        client.get(url)


def test_timeline_and_issue_page_run_a_fixed_number_of_queries(
    client_for, cast, orgs, django_assert_num_queries
):
    client = client_for("coordinator")
    _grow(cast, orgs, 2, 0)
    issue = Issue.objects.first()
    url = f"/meetings/organisations/{orgs['薬'].pk}/"
    with django_assert_num_queries(11):
        client.get(url)
    with django_assert_num_queries(10):
        client.get(f"/meetings/issues/{issue.pk}/")
    _grow(cast, orgs, 8, 10)
    more = Meeting.objects.filter(held_on__day__gt=10)
    issue.discussed_at.set(more)
    s = Solution.objects.create(center=cast.center1, title="追加の解決策")
    s.issues.set([issue])
    s.meetings.set(more)
    with django_assert_num_queries(11):
        client.get(url)
    with django_assert_num_queries(10):
        client.get(f"/meetings/issues/{issue.pk}/")


def test_dashboard_counts_issues_by_status_for_the_users_center(client_for, cast, orgs):
    make_issue(cast.center1, "薬-A", organisation=orgs["薬"])
    make_issue(cast.center1, "薬-B", organisation=orgs["薬"], status=IssueStatus.SOLVED)
    make_issue(cast.center2, "薬-A", organisation=orgs["薬"])
    own = client_for("coordinator").get("/").content.decode()
    assert 'data-issue-status="new">1<' in own and 'data-issue-status="solved">1<' in own
    everything = client_for("official").get("/").content.decode()
    assert 'data-issue-status="new">2<' in everything
    assert "連携の課題" not in client_for("professional").get("/").content.decode()


# --- Officials tell the centers apart (issue 20) ---------------------------------------------------


def test_officials_see_the_center_of_each_issue_and_filter_by_it(client_for, cast, orgs):
    make_issue(cast.center1, "相-1", organisation=orgs["薬"])
    make_issue(cast.center2, "相-1", organisation=orgs["薬"])
    official = client_for("official")
    html = official.get("/meetings/issues/").content.decode()
    assert sorted(re.findall(r"data-center-cell>(C0\d)", html)) == ["C01", "C02"]
    assert 'name="center"' in html
    only_c2 = official.get(f"/meetings/issues/?center={cast.center2.pk}").content.decode()
    assert re.findall(r"data-center-cell>(C0\d)", only_c2) == ["C02"]
    own = client_for("coordinator").get(f"/meetings/issues/?center={cast.center2.pk}").content.decode()
    assert "data-center-cell" not in own and 'name="center"' not in own
    assert 'data-result-count="1"' in own  # a coordinator's register stays its own center's


def test_the_year_summary_shows_and_filters_the_center_for_officials(client_for, cast, orgs):
    make_issue(cast.center1, "相-1", organisation=orgs["薬"], day=(2026, 6, 1))
    make_issue(cast.center2, "相-1", organisation=orgs["薬"], day=(2026, 7, 1))
    make_meeting(cast.center2, organisations=[orgs["薬"]], day=(2026, 7, 1))
    official = client_for("official")
    html = official.get("/meetings/years/?fiscal_year=2026").content.decode()
    raised = html.split('id="h-ys-raised"', 1)[1].split("</section>", 1)[0]
    assert sorted(re.findall(r"data-center-cell>(C0\d)", raised)) == ["C01", "C02"]
    c2 = official.get("/meetings/years/?fiscal_year=2026&center=C02").content.decode()
    # its meeting, and its 課題 as raised and as still open
    assert re.findall(r"data-center-cell>(C0\d)", c2) == ["C02", "C02", "C02"]
    assert "<span data-total>1</span>" in c2
    assert official.get("/meetings/years/?fiscal_year=2026&center=C99").status_code == 404
    own = client_for("coordinator").get("/meetings/years/?fiscal_year=2026&center=C02").content.decode()
    assert "data-center-cell" not in own and 'data-raised-issue="相-1"' in own
    assert "<span data-total>0</span>" in own  # C02's meeting is not the coordinator's
    wb = load_workbook(io.BytesIO(official.get("/meetings/years/?fiscal_year=2026&format=xlsx").content))
    names = [row[0] for row in wb["提起された課題"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert sorted(names) == ["東センター", "西センター"]


# --- Bad input is a 400/404 with a Japanese message, never a 500 (issue 19, item 12) ---------------


@pytest.mark.parametrize("year", ["-1", "0", "9999", "99999999999", "abc"])
def test_an_impossible_fiscal_year_is_refused_in_japanese(client_for, cast, year):
    response = client_for("official").get(f"/meetings/years/?fiscal_year={year}")
    assert response.status_code == 400
    assert "年度は2000〜2100の数字で指定してください" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/new/?series=abc",
        "/meetings/new/?series=99999999999999999999",
        "/meetings/issues/new/?consultation=abc",
        "/meetings/issues/new/?consultation=²",
        "/meetings/solutions/new/?meeting=99999999999999999999",
    ],
)
def test_a_malformed_id_in_the_query_is_a_404(client_for, cast, url):
    assert client_for("coordinator").get(url).status_code == 404


def test_the_meeting_and_issue_pages_name_each_program_item_with_its_meaning(client_for, cast, orgs):
    meeting = make_meeting(cast.center1, organisations=[orgs["薬"]], items="イク")
    issue = make_issue(cast.center1, organisation=orgs["薬"], items="クイ")
    client = client_for("coordinator")
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/issues/{issue.pk}/"):
        html = client.get(url).content.decode()
        assert (
            '<span data-item="イ">イ 在宅医療・介護連携の課題の抽出と対応策の検討</span><br>'
            '<span data-item="ク">ク 在宅医療・介護連携に関する関係市区町村の連携</span></dd>'
        ) in html, url
    bare = make_meeting(cast.center1, organisations=[orgs["薬"]], items="")
    assert '<dd data-items="">—</dd>' in client.get(f"/meetings/{bare.pk}/").content.decode()


def fiscal_year_options(html):
    select = re.search(r'<select name="fiscal_year".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_the_meeting_lists_fiscal_years_are_those_with_meetings_and_this_one(client_for, cast, orgs):
    make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2024, 3, 31))  # 令和5年度
    make_meeting(cast.center1, organisations=[orgs["薬"]], day=(2025, 4, 1))  # 令和7年度
    make_meeting(cast.center2, organisations=[orgs["薬"]], day=(2019, 6, 1))  # another center's
    client = client_for("coordinator")
    this = str(dates.fiscal_year(dates.today()))
    html = client.get("/meetings/").content.decode()
    assert fiscal_year_options(html) == sorted({this, "2025", "2023"}, reverse=True)
    assert "令和5年度" in html and "平成24年度" not in html
    # A link to a 年度 without meetings keeps it chosen and lists nothing, rather than every year.
    html = client.get("/meetings/?fiscal_year=2020").content.decode()
    assert "2020" in fiscal_year_options(html) and 'data-result-count="0"' in html
    # An official reads every center's, so sees their years.
    assert "2019" in fiscal_year_options(client_for("official").get("/meetings/").content.decode())


def test_the_meeting_list_is_a_card_per_meeting_on_a_phone(client_for, cast, orgs):
    make_meeting(
        cast.center1, Tier.TERTIARY, "推進協議会", organisations=[orgs["薬"], orgs["医"], orgs["歯"]]
    )
    html = client_for("coordinator").get("/meetings/").content.decode()
    assert '<table class="table--meetings table--cards">' in html
    for label in ("開催日", "段階", "種類・名称", "団体・職種", "開催方法"):
        assert f'data-label="{label}"' in html, label
