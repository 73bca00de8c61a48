"""The writes of meetings/services.py: each is one transaction with its audit entry, so a failure
leaves neither the change nor half of it."""

import datetime

import pytest
from django.test import RequestFactory

from coordination.models import AuditEvent
from meetings import services
from meetings.forms import IssueForm, MeetingAttendanceForm, SolutionForm
from meetings.models import Issue, IssueStatus, IssueStatusChange, MeetingAttendance
from tests.meetings.factories import make_issue, make_meeting, org

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().post("/meetings/")
    request.user = user
    return request


def broken(*args, **kwargs):
    raise RuntimeError("audit unavailable")


def test_a_status_change_writes_its_history_and_audit_entry_together(cast, monkeypatch):
    issue = make_issue(cast.center1, organisation=org("薬剤師会", "薬"))
    services.change_issue_status(
        request_of(cast.coordinator), issue, IssueStatus.REVIEWING, datetime.date(2026, 7, 1)
    )
    assert IssueStatusChange.objects.get(issue=issue).status == IssueStatus.REVIEWING
    assert "検討中" in AuditEvent.objects.get().detail
    monkeypatch.setattr(services, "audit", broken)
    with pytest.raises(RuntimeError):
        services.change_issue_status(
            request_of(cast.coordinator), issue, IssueStatus.SOLVED, datetime.date(2026, 8, 1)
        )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REVIEWING and IssueStatusChange.objects.count() == 1


def test_a_new_issue_starts_its_history_or_nothing_is_saved(cast, monkeypatch):
    pharmacy = org("薬剤師会", "薬")
    data = {
        "label": "薬-B",
        "title": "退院時の情報共有",
        "organisation": pharmacy.pk,
        "raised_on": "2026-06-01",
    }
    form = IssueForm(data, user=cast.coordinator)
    assert form.is_valid(), form.errors
    issue = services.save_issue(request_of(cast.coordinator), form)
    assert list(issue.status_changes.values_list("note", flat=True)) == ["提起"]
    monkeypatch.setattr(services, "audit", broken)
    form = IssueForm({**data, "label": "薬-C"}, user=cast.coordinator)
    assert form.is_valid(), form.errors
    with pytest.raises(RuntimeError):
        services.save_issue(request_of(cast.coordinator), form)
    assert list(Issue.objects.values_list("label", flat=True)) == ["薬-B"]


def test_a_solution_carried_out_moves_its_issues_on(cast):
    pharmacy = org("薬剤師会", "薬")
    issue = make_issue(cast.center1, organisation=pharmacy)
    meeting = make_meeting(cast.center1, organisations=[pharmacy], day=(2026, 9, 1))
    form = SolutionForm(
        {"title": "同行訪問研修", "issues": [issue.pk], "meetings": [meeting.pk]}, user=cast.coordinator
    )
    assert form.is_valid(), form.errors
    services.save_solution(request_of(cast.coordinator), form)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS
    assert issue.status_changes.get().changed_on == datetime.date(2026, 9, 1)
    assert AuditEvent.objects.count() == 1


def test_attendance_replaces_the_counts_and_is_audited(cast):
    meeting = make_meeting(cast.center1, organisations=[org("薬剤師会", "薬")])
    meeting.professions.set([cast.nurse, cast.care_manager])  # counts are of those taking part
    MeetingAttendance.objects.create(meeting=meeting, profession=cast.care_manager, count=3)
    form = MeetingAttendanceForm({f"p{cast.nurse.pk}": "2"}, meeting=meeting)
    assert form.is_valid(), form.errors
    services.save_attendance(request_of(cast.coordinator), meeting, form)
    assert list(meeting.attendance.values_list("profession__name", "count")) == [("看護師", 2)]
    assert AuditEvent.objects.get().detail.startswith("出席人数")
