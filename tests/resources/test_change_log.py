from django.contrib.auth import get_user_model

from resources.models import Facility, FacilityChange, FacilityImport
from tests.resources.factories import make_facility


def test_the_change_log_follows_deletions_without_database_constraints(cast):
    # FacilityChange's references are not database constraints (a 100,000-row import would
    # lock every new facility once more at commit); Django keeps them consistent instead.
    facility = make_facility("履歴医院")
    user = get_user_model().objects.create_user("temp-confirmer", password="x" * 20)
    facility.confirm(user)
    batch = FacilityImport.objects.create(file_name="history.csv")
    FacilityChange.objects.create(facility=facility, action=FacilityChange.Action.IMPORT, batch=batch)

    user.delete()
    batch.delete()
    assert list(facility.changes.values_list("user_id", "batch_id")) == [(None, None), (None, None)]

    Facility.objects.filter(pk=facility.pk).delete()
    assert not FacilityChange.objects.filter(facility_id=facility.pk).exists()


def test_a_facility_loses_its_area_and_users_when_they_are_deleted(cast):
    # No database constraints on these either (each cost every imported row a check).
    from coordination.models import Area

    area = Area.objects.create(name="消える区", kind=Area.Kind.WARD)
    user = get_user_model().objects.create_user("temp-editor", password="x" * 20)
    facility = make_facility("地域医院", area=area, updated_by=user)
    facility.confirm(user)
    area.delete()
    user.delete()
    facility.refresh_from_db()
    assert (facility.area_id, facility.updated_by_id, facility.confirmed_by_id) == (None, None, None)
