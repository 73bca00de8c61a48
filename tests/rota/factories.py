import datetime

from django.utils import timezone

from rota.models import BackupBed, Rota, Shift, ShiftKind
from tests.resources.factories import make_facility


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def make_rota(center, name="テスト当番表", **fields):
    return Rota.objects.create(center=center, name=name, **fields)


def make_shift(rota, start, end, facility=None, kind=ShiftKind.NIGHT, **fields):
    return Shift.objects.create(
        rota=rota, kind=kind, starts_at=local(*start), ends_at=local(*end), facility=facility, **fields
    )


def make_clinic(name="当番内科クリニック", **fields):
    fields.setdefault("direct_phone", "093-111-2222")
    return make_facility(name, kind_code="clinic", **fields)


def make_hospital(name="後方支援記念病院", **fields):
    fields.setdefault("direct_phone", "093-333-4444")
    return make_facility(name, kind_code="hospital", capabilities=["backup-hospital"], **fields)


def rota_with_shift(cast):
    """A C01 rota with one shift (for the URL walker)."""
    rota = make_rota(cast.center1, name="ウォーカー当番表")
    shift = make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), make_clinic("ウォーカー当番医院"))
    return rota, shift


def make_backup_bed(center, facility, start=(2027, 1, 1), end=(2027, 1, 31), beds=2, **fields):
    return BackupBed.objects.create(
        center=center,
        facility=facility,
        beds=beds,
        available_from=datetime.date(*start),
        available_until=datetime.date(*end),
        **fields,
    )
