import datetime
import itertools

from resources.models import (
    Capability,
    ContactWindow,
    Facility,
    FacilityCapability,
    FacilityKind,
    FacilitySpecialty,
    Specialty,
)

_codes = itertools.count(1)


def kind(code):
    return FacilityKind.objects.get(code=code)


def capability(code):
    return Capability.objects.get(code=code)


def make_facility(
    name="テスト診療所", kind_code="clinic", capabilities=(), specialties=(), windows=(), **fields
):
    fields.setdefault("code", f"40{next(_codes):08d}")
    fields.setdefault("address", "福岡県北九州市小倉北区大手町1-1")
    facility = Facility.objects.create(kind=kind(kind_code), name=name, **fields)
    for code in capabilities:
        FacilityCapability.objects.create(facility=facility, capability=capability(code))
    for name_ in specialties:
        FacilitySpecialty.objects.create(facility=facility, specialty=Specialty.objects.get(name=name_))
    for weekday, start, end, *rest in windows:
        ContactWindow.objects.create(
            facility=facility,
            weekday=weekday,
            start=datetime.time(*start),
            end=datetime.time(*end),
            kind=rest[0] if rest else ContactWindow.Kind.CALL,
        )
    return facility
