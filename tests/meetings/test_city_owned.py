"""Officials record the city's own meetings (連絡会) and raise city-owned 課題; they change only
those, and still never open a consultation."""

import re

import pytest

from coordination.models import Role, User
from meetings.models import Issue, Meeting, MeetingKind
from tests.consultations.factories import make_consultation
from tests.meetings.factories import make_issue


@pytest.fixture
def official(cast, client_for):
    return client_for("official")


def test_an_official_records_a_city_meeting_without_a_center(cast, official):
    kind = MeetingKind.objects.first()
    response = official.post(
        "/meetings/new/",
        {
            "tier": 2,
            "kind": kind.pk,
            "title": "コーディネーター連絡会（毎月）",
            "held_on": "2026-06-10",
            "delivery": "in_person",
            "professions": [cast.nurse.pk, cast.care_manager.pk],
            "organisations": [],
            "item_letters": ["イ", "ク"],
        },
    )
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</", response.content.decode(), re.S)
    meeting = Meeting.objects.get(title="コーディネーター連絡会（毎月）")
    assert meeting.center_id is None and meeting.items == "イク" and meeting.created_by == cast.official
    page = official.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "市の会議" in page


def test_coordinators_cannot_change_the_citys_meeting_and_officials_not_a_centers(cast, official, client_for):
    kind = MeetingKind.objects.first()
    city = Meeting.objects.create(center=None, tier=1, kind=kind, held_on="2026-06-10", title="連絡会")
    assert client_for("coordinator").get(f"/meetings/{city.pk}/edit/").status_code == 404
    assert official.get(f"/meetings/{city.pk}/edit/").status_code == 200


def test_an_official_raises_a_city_owned_issue_and_changes_only_the_citys(cast, official, client_for):
    response = official.post(
        "/meetings/issues/new/",
        {
            "label": "健-2",
            "title": "適切な事業評価指標の検討",
            "target_group": "健康局",
            "goal": "事業全体の評価指標を検討することができる。",
            "profession": cast.nurse.pk,
            "raised_on": "2026-05-01",
            "item_letters": ["イ"],
        },
    )
    assert response.status_code == 302
    issue = Issue.objects.get(label="健-2")
    assert issue.center_id is None and issue.target_group == "健康局"
    assert official.get(f"/meetings/issues/{issue.pk}/edit/").status_code == 200
    centers = make_issue(cast.center1, label="薬-Z")
    assert official.get(f"/meetings/issues/{centers.pk}/edit/").status_code == 404
    assert client_for("coordinator").get(f"/meetings/issues/{issue.pk}/edit/").status_code == 404
    listing = official.get("/meetings/issues/").content.decode()
    assert "健-2" in listing and "市の課題を起票する" in listing


def test_a_ward_official_also_reads_the_citys_own_issues(cast, official):
    issue = Issue.objects.create(center=None, label="健-1", title="広域連携の課題整理", profession=cast.nurse)
    ward_official = User.objects.create(username="ward", role=Role.OFFICIAL, ward=cast.ward2)
    from django.test import Client

    c = Client()
    c.force_login(ward_official)
    assert c.get(f"/meetings/issues/{issue.pk}/").status_code == 200


def test_an_official_cannot_raise_a_issue_from_a_consultation(cast, official):
    consultation = make_consultation(cast.center1)
    assert official.get(f"/meetings/issues/new/?consultation={consultation.pk}").status_code == 404
