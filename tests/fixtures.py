"""One object of each kind, owned by center C01 where ownership applies, for the URL walker
and the access tests. Each app adds its objects here as it lands."""

from types import SimpleNamespace


def world(cast):
    from tests.resources.factories import make_facility

    facility = make_facility("ウォーカー医院", area=cast.ward1, windows=[(0, (13, 0), (14, 0))])
    from tests.consultations.factories import make_consultation

    consultation = make_consultation(cast.center1)
    from resources.models import FacilityImport

    facility_import = FacilityImport.objects.create(user=cast.admin, file_name="walker.csv", status="done")
    return SimpleNamespace(
        cast=cast, facility=facility, consultation=consultation, facility_import=facility_import
    )
