"""What the 年度 reports count as done has happened: a status step, a 提起日 or a 決定日 after today
is refused and named; a meeting or training entered ahead of its day is a plan (予定), not counted
in 事業評価 or the 年度のまとめ and moving no 課題 on; a step entered by mistake can be taken back."""

import datetime

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from meetings import evaluation
from meetings.models import Issue, IssueStatus, Measure, Meeting, Solution, Tier
from meetings.services import fiscal_year_summary
from tests.meetings.factories import make_issue, make_meeting, org
from tests.training.factories import make_event
from training.models import Event

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    moment = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def raise_issue(client, label="薬-A", raised_on="2026-06-01", **extra):
    data = {"label": label, "title": "退院時の情報共有", "organisation": org("薬剤師会", "薬").pk}
    return client.post("/meetings/issues/new/", {**data, "raised_on": raised_on, **extra})


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_a_status_step_dated_after_today_is_refused_and_named(client_for, cast):
    client = client_for("coordinator")
    raise_issue(client)
    issue = Issue.objects.get()
    response = client.post(
        f"/meetings/issues/{issue.pk}/status/", {"status": IssueStatus.SOLVED, "changed_on": "2027-03-31"}
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.NEW and issue.status_changes.count() == 1
    assert any("日付に今日（2026/12/03）より後の日は入力できません" in m for m in messages_of(response))


def test_a_mistaken_step_is_taken_back_and_the_issue_returns_to_the_state_before(client_for, cast):
    client = client_for("coordinator")
    raise_issue(client)
    issue = Issue.objects.get()
    url = f"/meetings/issues/{issue.pk}/status/"
    client.post(url, {"status": IssueStatus.REVIEWING, "changed_on": "2026-07-01"})
    client.post(url, {"status": IssueStatus.SOLVED, "changed_on": "2026-12-01"})
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "最後の経過（2026/12/1「解決」）を取り消す" in page

    response = client.post(url + "undo/")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REVIEWING
    assert [s.status for s in issue.status_changes.all()] == [IssueStatus.NEW, IssueStatus.REVIEWING]
    assert "課題の状態は「検討中」です" in messages_of(response)[-1]
    assert "経過を取り消し" in AuditEvent.objects.filter(object_id=str(issue.pk)).latest("pk").detail

    client.post(url + "undo/")  # the 検討中 step; the raising one stays
    response = client.post(url + "undo/")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.NEW and issue.status_changes.get().note == "提起"
    assert "取り消せる経過はありません" in messages_of(response)[-1]
    assert "data-undo-step" not in client.get(issue.get_absolute_url()).content.decode()


def test_another_centers_coordinator_cannot_take_a_step_back(client_for, cast):
    raise_issue(client_for("coordinator"))
    issue = Issue.objects.get()
    client_for("coordinator").post(
        f"/meetings/issues/{issue.pk}/status/", {"status": IssueStatus.REVIEWING, "changed_on": "2026-07-01"}
    )
    assert client_for("coordinator2").post(f"/meetings/issues/{issue.pk}/status/undo/").status_code == 404
    assert Issue.objects.get().status == IssueStatus.REVIEWING


def test_a_raising_date_after_today_is_refused(client_for, cast):
    response = raise_issue(client_for("coordinator"), raised_on="2027-06-01")
    assert Issue.objects.count() == 0
    assert "提起日に今日（2026/12/03）より後の日は入力できません" in response.content.decode()


def test_an_issue_raised_at_a_meeting_is_not_dated_before_it(client_for, cast):
    meeting = make_meeting(
        cast.center1, Tier.PRIMARY, day=(2026, 3, 31), organisations=[org("薬剤師会", "薬")]
    )
    client = client_for("coordinator")
    data = {
        "issue-label": "薬-A",
        "issue-title": "退院時の情報共有",
        "issue-organisation": org("薬剤師会").pk,
    }
    response = client.post(f"/meetings/{meeting.pk}/issues/new/", {**data, "issue-raised_on": "2026-03-30"})
    assert Issue.objects.count() == 0
    assert "会議より前の日付にはできません" in response.content.decode()
    client.post(f"/meetings/{meeting.pk}/issues/new/", {**data, "issue-raised_on": "2026-03-31"})
    assert Issue.objects.get().raised_at_meeting == meeting


def test_moving_the_raising_date_moves_the_raising_step_and_not_past_a_later_step(client_for, cast):
    client = client_for("coordinator")
    raise_issue(client, raised_on="2026-05-01")
    issue = Issue.objects.get()
    edit = {"label": "薬-A", "title": "退院時の情報共有", "organisation": org("薬剤師会").pk}
    client.post(f"/meetings/issues/{issue.pk}/edit/", {**edit, "raised_on": "2026-05-10"})
    assert issue.status_changes.get().changed_on == datetime.date(2026, 5, 10)

    client.post(
        f"/meetings/issues/{issue.pk}/status/", {"status": IssueStatus.REVIEWING, "changed_on": "2026-06-01"}
    )
    response = client.post(f"/meetings/issues/{issue.pk}/edit/", {**edit, "raised_on": "2026-06-15"})
    issue.refresh_from_db()
    assert issue.raised_on == datetime.date(2026, 5, 10)
    assert "この課題の経過（2026/06/01「検討中」）より後の日付にはできません" in response.content.decode()


def test_a_decision_dated_after_today_is_refused(client_for, cast):
    issue = make_issue(cast.center1, organisation=org("薬剤師会", "薬"))
    response = client_for("coordinator").post(
        "/meetings/solutions/new/",
        {"title": "依頼書の作成", "issues": [issue.pk], "decided_on": "2027-08-01"},
    )
    assert Solution.objects.count() == 0
    assert "決定日に今日（2026/12/03）より後の日は入力できません" in response.content.decode()


def test_a_meeting_ahead_of_its_day_is_a_plan_and_not_counted(client_for, cast):
    pharmacy = org("薬剤師会", "薬")
    make_meeting(cast.center1, Tier.PRIMARY, day=(2026, 11, 20), organisations=[pharmacy])
    planned = make_meeting(cast.center1, Tier.PRIMARY, day=(2027, 2, 15), organisations=[pharmacy])

    actual, _events = evaluation.actuals(2026, [cast.center1.pk], with_city=False)
    assert actual["イ"][Measure.MEETINGS] == 1
    summary = fiscal_year_summary(2026, Meeting.objects.all(), Issue.objects.all())
    assert summary["total"] == 1 and [m.pk for m in summary["meetings"]] != [planned.pk]
    assert summary["planned"] == 1

    client = client_for("coordinator")
    year_page = client.get("/meetings/years/?fiscal_year=2026").content.decode()
    assert 'data-planned-meetings="1"' in year_page
    assert "data-planned" in client.get(planned.get_absolute_url()).content.decode()
    assert "data-planned" in client.get("/meetings/?fiscal_year=2026").content.decode()


def test_a_solution_with_a_training_ahead_of_its_day_moves_no_issue_and_is_not_carried_out(client_for, cast):
    issue = make_issue(cast.center1, organisation=org("薬剤師会", "薬"))
    issue.status_changes.create(status=IssueStatus.NEW, changed_on=issue.raised_on, note="提起")
    lecture = make_event(cast.center1, (2026, 12, 24, 18, 0), "歯科往診のセミナー")
    client = client_for("coordinator")
    client.post(
        "/meetings/solutions/new/",
        {"title": "依頼書の作成", "issues": [issue.pk], "decided_on": "2026-11-01", "events": [lecture.pk]},
    )
    issue.refresh_from_db()
    assert Solution.objects.count() == 1 and issue.status == IssueStatus.NEW
    assert (
        fiscal_year_summary(2026, Meeting.objects.all(), Issue.objects.all(), events=Event.objects.all())[
            "solutions"
        ]
        == []
    )

    held = make_meeting(cast.center1, Tier.SECONDARY, "同行訪問", (2026, 11, 25), [org("薬剤師会")])
    solution = Solution.objects.get()
    client.post(
        f"/meetings/solutions/{solution.pk}/edit/",
        {"title": "依頼書の作成", "issues": [issue.pk], "decided_on": "2026-11-01", "meetings": [held.pk]},
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS
    assert issue.status_changes.latest("pk").changed_on == datetime.date(2026, 11, 25)


def test_a_solutions_training_ahead_of_its_day_reads_as_planned_on_the_issue_page(client_for, cast):
    issue = make_issue(cast.center1, organisation=org("薬剤師会", "薬"))
    held = make_meeting(cast.center1, Tier.SECONDARY, "同行訪問", (2026, 11, 25), [org("薬剤師会")])
    lecture = make_event(cast.center1, (2026, 12, 24, 18, 0), "歯科往診のセミナー")
    solution = Solution.objects.create(
        center=cast.center1, title="依頼書の作成", decided_on=datetime.date(2026, 11, 1)
    )
    solution.issues.add(issue)
    solution.meetings.add(held)
    solution.events.add(lecture)

    kinds = {text: kind for _, rows in issue.lineage() for _, kind, text, _ in rows}
    assert kinds["解決策「依頼書の作成」を研修「歯科往診のセミナー」で実施する予定"] == "planned"
    assert kinds["解決策「依頼書の作成」を二次連携「同行訪問」で実施"] == "carried_out"
    page = client_for("coordinator").get(issue.get_absolute_url()).content.decode()
    assert "<span data-planned>実施予定</span>: 研修「歯科往診のセミナー」" in page
    assert "実施: <a" in page
