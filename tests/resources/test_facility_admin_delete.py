"""The Django admin around duplicates and mistakes: a superuser deletes a facility entered by
mistake with its change history (the audit log keeps the deletion), the history stays read-only
otherwise, other apps' rows still protect a facility; a dismissed pair is undone by deleting it."""

import pytest
from django.contrib.auth.models import Permission

from coordination.models import AuditEvent
from resources.duplicates import find_pairs
from resources.models import DuplicateDismissal, Facility, FacilityChange
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def pair(name="ひまわり医院"):
    return (
        make_facility(name, phone="093-111-1111"),
        make_facility(name, phone="093-111-1111", address="別の書き方の住所"),
    )


def test_deleting_a_dismissal_in_the_admin_proposes_the_pair_again(client_for, cast):
    a, b = pair()
    dismissal = DuplicateDismissal.objects.create(first=a, second=b, dismissed_by=cast.admin)
    client = client_for("admin")
    url = f"/admin/resources/duplicatedismissal/{dismissal.pk}/"
    assert client.get(url + "change/").status_code == 200  # shown, read-only
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 302
    assert not DuplicateDismissal.objects.exists()
    assert [(x.pk, y.pk) for x, y in find_pairs().duplicates] == [(a.pk, b.pk)]


def imported_facility():
    f = make_facility("間違えて登録した医院")
    FacilityChange.objects.create(facility=f, action=FacilityChange.Action.IMPORT)
    FacilityChange.objects.create(facility=f, action=FacilityChange.Action.UPDATE, fields=["電話番号"])
    return f


def test_a_superuser_deletes_a_facility_with_its_change_history(client_for, cast):
    f = imported_facility()
    client = client_for("admin")
    url = f"/admin/resources/facility/{f.pk}/delete/"
    page = client.get(url).content.decode()
    assert "変更履歴も一緒に削除されます" in page and "削除できません" not in page
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Facility.objects.filter(pk=f.pk).exists() and not FacilityChange.objects.exists()
    event = AuditEvent.objects.get(object_type="resources.Facility", action="delete")
    assert (event.object_id, event.object_repr) == (str(f.pk), "間違えて登録した医院")


def test_change_history_stays_read_only_in_the_admin(client_for, cast):
    f = imported_facility()
    change = f.changes.first()
    client = client_for("admin")
    assert (
        client.post(f"/admin/resources/facilitychange/{change.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert FacilityChange.objects.count() == 2
    listing = client.get("/admin/resources/facilitychange/").content.decode()
    assert "delete_selected" not in listing


def test_staff_without_superuser_rights_are_told_why_a_facility_stays(client_for, cast):
    f = imported_facility()
    staff = cast.admin.__class__.objects.create_user("staff", role="admin", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_facility", "delete_facility"]))
    client = client_for("anonymous")
    client.force_login(staff)
    url = f"/admin/resources/facility/{f.pk}/delete/"
    assert "施設の変更履歴" in client.get(url).content.decode()  # the objects it may not delete
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Facility.objects.filter(pk=f.pk).exists()


def test_a_facility_other_apps_point_at_is_not_deleted(client_for, cast):
    from tests.consultations.factories import coordinate, make_consultation

    f = imported_facility()
    coordinate(make_consultation(cast.center1), f)
    client = client_for("admin")
    url = f"/admin/resources/facility/{f.pk}/delete/"
    assert "連絡調整" in client.get(url).content.decode()  # named as protected
    client.post(url, {"post": "yes"})
    assert Facility.objects.filter(pk=f.pk).exists() and FacilityChange.objects.count() == 2
