"""Demo rota of the first center (門司・小倉北) for the current and the next month, generated from the
usual pattern over the home-care clinics of its wards, with one gap and one swap; backup beds at
the demo's 在宅療養後方支援病院; and 北九州市's 相談項目 「在宅医療の後方支援」 so that a consultation
can be about it. Idempotent: the rota is made once, months are only filled where empty."""

import datetime

from django.utils import timezone

from consultations.models import Topic
from coordination.models import Center
from resources.models import Facility
from rota import panels, services
from rota.models import BackupBed, Rota, Shift, ShiftBackup, Swap

ROTA_NAME = "門司・小倉北 夜間休日当番"
BACKUP_TOPIC = "在宅医療の後方支援（急変時の一時入院先の確保等）"
DOCTORS = ["山本 健一", "佐藤 美和", "田中 大輔", "中村 由紀", "小林 誠", "加藤 真理"]


def _next_month(year, month):
    return (year + month // 12, month % 12 + 1)


def seed(stdout, **options):
    Topic.objects.get_or_create(parent=None, name=BACKUP_TOPIC, defaults={"sort_order": 450})
    center = Center.objects.order_by("sort_order", "code").first()
    if center is None:
        return
    wards = list(center.areas.all())
    in_wards = Facility.objects.filter(area__in=[a for w in wards for a in [w, *w.children.all()]])
    clinics = list(
        in_wards.filter(kind__code="clinic", capabilities__code__in=["shienshin-1", "shienshin-2", "24h"])
        .exclude(name__regex=r"眼科|耳鼻|皮膚")
        .distinct()
        .order_by("code", "pk")[:6]
    )
    hospitals = list(
        in_wards.filter(kind__code="hospital", capabilities__code="backup-hospital")
        .distinct()
        .order_by("code", "pk")[:2]
    )
    if len(clinics) < 3:
        stdout.write("rota: not enough home-care clinics for a demo rota")
        return
    rota, created = Rota.objects.get_or_create(
        center=center,
        name=ROTA_NAME,
        defaults={"district": "門司区・小倉北区医師会", "area": wards[0] if len(wards) == 1 else None},
    )
    today = timezone.localdate(panels.now())
    months = [(today.year, today.month), _next_month(today.year, today.month)]
    made = 0
    for year, month in months:
        n, _ = services.generate_month(None, rota, year, month, clinics)
        made += n
    for shift in Shift.objects.filter(rota=rota, kind__in=["holiday", "long_holiday", "year_end"]):
        for order, hospital in enumerate(hospitals, start=1):
            ShiftBackup.objects.get_or_create(shift=shift, facility=hospital, defaults={"order": order})
    for shift in Shift.objects.filter(rota=rota, facility__isnull=False, doctor=""):
        shift.doctor = (
            DOCTORS[clinics.index(shift.facility) % len(DOCTORS)] if shift.facility in clinics else ""
        )
        shift.save(update_fields=["doctor"])
    if not Swap.objects.filter(shift__rota=rota).exists():
        upcoming = list(Shift.objects.filter(rota=rota, starts_at__gt=panels.now()).order_by("starts_at")[:6])
        if len(upcoming) >= 6:
            swapped, gap = upcoming[2], upcoming[5]
            other = next(c for c in clinics if c.pk != swapped.facility_id)
            services.record_swap(None, swapped, other, "鈴木 一郎", "学会出張のため交代")
            gap.facility, gap.doctor = None, ""
            gap.note = "当番の医療機関が休診のため調整中"
            gap.save(update_fields=["facility", "doctor", "note"])
    if hospitals and not BackupBed.objects.filter(center=center).exists():
        first = months[0]
        start = datetime.date(first[0], first[1], 1)
        end = datetime.date(*_next_month(*_next_month(first[0], first[1])), 1) - datetime.timedelta(days=1)
        for n, hospital in enumerate(hospitals):
            BackupBed.objects.create(
                center=center,
                facility=hospital,
                beds=2 - n,
                available_from=start,
                available_until=end,
                conditions="当院の在宅療養後方支援病院の登録患者を優先。夜間は病棟に電話で確認してください。"
                if n == 0
                else "内科の急変時のみ。人工呼吸器は不可。",
            )
    stdout.write(f"rota: {Rota.objects.count()} rotas, {made} new shifts")
