"""A facility's history names who confirmed it through its update link (施設の回答（更新用リンク）:
the name the facility gave) and the coordinator who approved it, never 「システム」."""

from resources.models import ChangeRequest, FacilityChange, UpdateLink
from tests.resources.factories import make_facility


def _history(client, facility):
    html = client.get(f"/resources/{facility.pk}/").content.decode()
    return html[html.index("変更履歴") :] if "変更履歴" in html else html


def test_an_unchanged_answer_shows_the_facilitys_contact_in_the_history(client_for, cast):
    facility = make_facility("回答医院")
    link = UpdateLink.objects.create(facility=facility, contact="事務長")
    client_for("anonymous").post(
        f"/resources/u/{link.token}/", {"unchanged": "1", "submitted_by": "山田 太郎"}
    )
    change = FacilityChange.objects.get(facility=facility)
    assert change.action == FacilityChange.Action.CONFIRM and change.user is None
    history = _history(client_for("coordinator"), facility)
    assert "施設の回答（更新用リンク）: 山田 太郎" in history
    assert "システム" not in history


def test_an_approved_answer_shows_the_facility_and_the_approving_coordinator(client_for, cast):
    facility = make_facility("承認医院", contact_person="")
    link = UpdateLink.objects.create(facility=facility, contact="地域連携室")
    cr = ChangeRequest.objects.create(
        facility=facility, link=link, before={"contact_person": ""}, proposed={"contact_person": "佐藤"}
    )
    coordinator = client_for("coordinator")
    coordinator.post(f"/resources/changes/{cr.pk}/", {"approve": "1"})
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPROVED
    rows = list(FacilityChange.objects.filter(facility=facility).order_by("pk"))
    assert [r.action for r in rows] == ["update", "confirm"]
    assert all(
        r.user == cast.coordinator and r.actor == "施設の回答（更新用リンク）: 地域連携室" for r in rows
    )
    history = _history(coordinator, facility)
    assert f"施設の回答（更新用リンク）: 地域連携室、承認: {cast.coordinator}" in history
    assert "システム" not in history
