"""A 課題's 経過: what happened on one day is listed in the order it happened (as the records were
entered), so that the day it was raised reads 提起 → 状態「未着手」 → 解決策を決定, not the 解決策 before
the 提起's own step; nothing comes before the 提起, whenever its meeting was entered."""

import datetime
import re

import pytest
from django.utils import timezone

from meetings.models import Issue, IssueStatus, Meeting, Solution, Tier
from tests.meetings.factories import make_meeting, org

pytestmark = pytest.mark.django_db

DAY = "2024-09-03"


def _timeline(client, issue):
    html = client.get(f"/meetings/issues/{issue.pk}/").content.decode()
    section = html.split('id="lineage"', 1)[1].split("</section>", 1)[0]
    return [
        (kind, re.sub(r"<[^>]+>", "", text).strip())
        for kind, text in re.findall(r'<li data-kind="(\w+)">(.+?)</li>', section, re.S)
    ]


def _at(obj, minutes):
    """Sets when the record was entered, `minutes` after 2024/9/3 10:00 (Tokyo)."""
    moment = timezone.make_aware(datetime.datetime(2024, 9, 3, 10, 0)) + datetime.timedelta(minutes=minutes)
    field = "recorded_at" if hasattr(obj, "recorded_at") else "created_at"
    type(obj).objects.filter(pk=obj.pk).update(**{field: moment})


def test_the_day_an_issue_is_raised_reads_raised_then_its_step_then_the_solution(client_for, cast):
    client = client_for("coordinator")
    meeting = make_meeting(cast.center1, Tier.PRIMARY, "打ち合わせ会", (2024, 9, 3), [org("薬剤師会", "薬")])
    client.post(
        f"/meetings/{meeting.pk}/issues/new/",
        {
            "issue-label": "薬-A",
            "issue-title": "ケアマネジャーの顔が分からない",
            "issue-organisation": org("薬剤師会").pk,
            "issue-raised_on": DAY,
        },
    )
    issue = Issue.objects.get()
    client.post(
        "/meetings/solutions/new/",
        {"title": "ケアマネ・薬剤師の合同研修会", "issues": [issue.pk], "decided_on": DAY},
    )
    client.post(
        f"/meetings/issues/{issue.pk}/status/",
        {"status": IssueStatus.REVIEWING, "changed_on": DAY, "note": "役員会で検討"},
    )
    # One moment apart each, as entered; the meeting was entered first of all.
    _at(meeting, 0)
    _at(issue, 1)
    raising, reviewing = issue.status_changes.order_by("pk")
    _at(raising, 1)
    _at(Solution.objects.get(), 2)
    _at(reviewing, 3)
    assert _timeline(client, issue) == [
        ("raised", "2024/9/3 一次連携「打ち合わせ会」で提起（薬剤師会）"),
        ("status", "2024/9/3 状態を「未着手」に：提起"),
        ("decided", "2024/9/3 解決策「ケアマネ・薬剤師の合同研修会」を決定"),
        ("status", "2024/9/3 状態を「検討中」に：役員会で検討"),
    ]


def test_a_day_of_discussion_and_carrying_out_reads_in_the_order_it_was_entered(client_for, cast):
    pharmacy = org("薬剤師会", "薬")
    issue = Issue.objects.create(
        center=cast.center1,
        label="薬-B",
        title="どこに相談すればよいか分からない",
        organisation=pharmacy,
        raised_on=datetime.date(2024, 6, 1),
    )
    issue.change_status(IssueStatus.NEW, datetime.date(2024, 6, 1), Issue.RAISED_NOTE)
    joint = make_meeting(cast.center1, Tier.SECONDARY, "合同研修会", (2024, 9, 3), [pharmacy, org("医師会")])
    # The coordinator first marks the 課題 検討中 that morning, then records the meeting that
    # discussed it, then the 解決策 decided and carried out there (which moves it on).
    step = issue.change_status(IssueStatus.REVIEWING, datetime.date(2024, 9, 3), "事前に検討")
    joint.issues_discussed.add(issue)
    solution = Solution.objects.create(
        center=cast.center1, title="連絡先一覧の作成", decided_on=datetime.date(2024, 9, 3)
    )
    solution.issues.add(issue)
    solution.meetings.add(joint)
    moved = issue.change_status(
        IssueStatus.IN_PROGRESS, datetime.date(2024, 9, 3), "解決策「連絡先一覧の作成」を実施"
    )
    _at(issue, -600)
    _at(issue.status_changes.order_by("pk").first(), -600)
    _at(step, 0)
    _at(joint, 5)
    _at(solution, 9)
    _at(moved, 9)  # the same moment as its 解決策: the carrying out still comes first
    kinds = [
        kind for kind, text in _timeline(client_for("coordinator"), issue) if text.startswith("2024/9/3")
    ]
    assert kinds == ["status", "discussed", "decided", "carried_out", "status"]


def test_a_meeting_entered_before_its_issue_still_lists_the_raising_first(cast):
    pharmacy = org("薬剤師会", "薬")
    meeting = make_meeting(cast.center1, Tier.PRIMARY, "打ち合わせ会", (2024, 9, 3), [pharmacy])
    issue = Issue.objects.create(
        center=cast.center1,
        label="薬-C",
        title="ケアカンファレンスに呼ばれない",
        organisation=pharmacy,
        raised_on=datetime.date(2024, 9, 3),
        raised_at_meeting=meeting,
    )
    meeting.issues_discussed.add(issue)  # raised and discussed at the meeting entered before it
    _at(meeting, 0)
    _at(issue, 30)
    issue = Issue.objects.get(pk=issue.pk)
    assert [kind for _, kind, _, _ in issue.lineage()[0][1]] == ["raised", "discussed"]
    assert Meeting.objects.get().created_at < issue.created_at
