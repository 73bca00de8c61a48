"""Every write of the rota app: one function each, atomic, with its audit entry. Forms only
validate; views call these. Rotas and backup beds carry no client's data, so the audit entries
keep the changed values."""

import datetime

from django.db import transaction
from django.utils import timezone

from coordination.security import CREATE, UPDATE, audit, changed_fields
from rota import patterns
from rota.models import BackupBed, FacilityFeed, Shift, ShiftBackup, Swap, new_token

# The name an audit entry of the hospital's own link carries (as resources' update-link answers).
LINK_USERNAME = "施設（更新用リンク）"


def save_owned(request, form):
    """A rota or a backup-bed entry from its valid CenterOwnedForm."""
    with transaction.atomic():
        creating = form.instance.pk is None
        obj = form.save(commit=False)
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        if isinstance(obj, BackupBed):
            obj.source = BackupBed.Source.CENTER  # a coordinator's entry from now on
        obj.save()
        audit(request, CREATE if creating else UPDATE, obj, "" if creating else changed_fields(form))
    return obj


def generate_month(request, rota, year, month, clinics, first=0):
    """The month's shifts from the pattern (rota.patterns), the clinics taking them in turn from
    `clinics[first]` on. A shift already there (same start) is kept as it is, swaps and edits
    included. Returns (created, kept)."""
    slots = patterns.month_slots(year, month)
    with transaction.atomic():
        existing = {
            timezone.localtime(s).replace(tzinfo=None)
            for s in rota.shifts.filter(
                starts_at__gte=timezone.make_aware(slots[0].starts),
                starts_at__lte=timezone.make_aware(slots[-1].starts),
            ).values_list("starts_at", flat=True)
        }
        new, turn = [], first
        for slot in slots:
            if slot.starts in existing:
                continue
            facility = clinics[turn % len(clinics)] if clinics else None
            turn += 1
            new.append(
                Shift(
                    rota=rota,
                    kind=slot.kind,
                    starts_at=timezone.make_aware(slot.starts),
                    ends_at=timezone.make_aware(slot.ends),
                    facility=facility,
                )
            )
        Shift.objects.bulk_create(new)
        audit(
            request,
            UPDATE,
            rota,
            f"{year}年{month}月の当番を作成: {len(new)}件（既存 {len(existing)}件はそのまま）",
        )
    return len(new), len(existing)


def save_shift(request, form):
    """One shift edited: times, kind, who is on duty and the backups in order."""
    with transaction.atomic():
        creating = form.instance.pk is None
        shift = form.save()
        backups = form.backups()
        if backups is not None:
            shift.backups.all().delete()
            ShiftBackup.objects.bulk_create(
                ShiftBackup(shift=shift, order=i, facility=f) for i, f in enumerate(backups, start=1)
            )
        audit(request, CREATE if creating else UPDATE, shift, "" if creating else changed_fields(form))
    return shift


def record_swap(request, shift, to_facility, to_doctor, reason):
    """Another clinic (or doctor) takes the shift; the swap is kept with its reason."""
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        swap = Swap.objects.create(
            shift=shift,
            from_facility=shift.facility,
            from_doctor=shift.doctor,
            to_facility=to_facility,
            to_doctor=to_doctor,
            reason=reason,
            recorded_by=request.user if request and request.user.is_authenticated else None,
        )
        shift.facility, shift.doctor, shift.contact = to_facility, to_doctor, ""
        shift.save(update_fields=["facility", "doctor", "contact"])
        audit(request, UPDATE, shift, f"交代: {swap}")
    return swap


def issue_facility_feed(request, facility):
    """The private calendar link of a facility (once; later calls return the same one)."""
    with transaction.atomic():
        feed, created = FacilityFeed.objects.get_or_create(facility=facility)
        if created:
            audit(request, CREATE, feed, "カレンダー配信の鍵を発行")
    return feed


def renew_feed_token(request, feed):
    """A new private link for a rota or a facility feed (the old one stops working at once), for
    when a link reached someone it should not have."""
    with transaction.atomic():
        field = "feed_token" if hasattr(feed, "feed_token") else "token"
        setattr(feed, field, new_token())
        feed.save(update_fields=[field])
        audit(request, UPDATE, feed, "カレンダー配信の URL を作り直しました")
    return feed


def add_bed_by_link(request, link, form, center):
    """Backup beds the hospital states itself through its update link (resources.UpdateLink)."""
    with transaction.atomic():
        bed = form.save(commit=False)
        bed.facility_id, bed.center = link.facility_id, center
        bed.source, bed.stated_by, bed.stated_at = (
            BackupBed.Source.FACILITY,
            form.cleaned_data["stated_by"],
            timezone.now(),
        )
        bed.updated_by = None
        bed.save()
        audit(
            request,
            CREATE,
            bed,
            f"病院の入力（{link.contact or '担当者'}・{bed.stated_by or '名前なし'}）: {bed}",
            username=LINK_USERNAME,
        )
    return bed


def end_bed_by_link(request, link, bed, stated_by=""):
    """The hospital no longer keeps the beds: they end yesterday (an entry that had not started
    yet, or started today, is withdrawn)."""
    today = timezone.localdate()
    with transaction.atomic():
        bed = BackupBed.objects.select_for_update().get(pk=bed.pk, facility_id=link.facility_id)
        if bed.available_from >= today:
            detail = f"病院が取り下げ（{stated_by or '名前なし'}）: {bed}"
            audit(request, UPDATE, bed, detail, username=LINK_USERNAME)
            bed.delete()
            return None
        bed.available_until = min(bed.available_until, today - datetime.timedelta(days=1))
        bed.source, bed.stated_by, bed.stated_at = BackupBed.Source.FACILITY, stated_by, timezone.now()
        bed.save(update_fields=["available_until", "source", "stated_by", "stated_at", "updated_at"])
        audit(request, UPDATE, bed, f"病院が終了（{stated_by or '名前なし'}）: {bed}", username=LINK_USERNAME)
    return bed


def change_bed_by_link(request, link, form):
    """The hospital changes the number of beds or the conditions of one of its rows through its
    update link. A row already running since before today keeps what it offered until yesterday
    (the record of past days must not be rewritten) and a new row carries the new values from
    today to the same end; a row starting today or later is changed in place. Returns the row
    valid from today; the audit entries keep the old and new values."""
    today = timezone.localdate()
    with transaction.atomic():
        # Locked, so an end or a coordinator's edit at the same moment does not interleave; the
        # locked row also holds the stored values (form.instance already carries the new ones).
        old = BackupBed.objects.select_for_update().get(pk=form.instance.pk, facility_id=link.facility_id)
        stated_by = form.cleaned_data["stated_by"]
        name_label = form.fields["stated_by"].label  # who typed it is in the entry already
        lines = [line for line in changed_fields(form).splitlines() if not line.startswith(name_label)]
        changes = "、".join(lines) or "変更なし"
        values_changed = bool({"beds", "conditions"} & set(form.changed_data))
        if values_changed and old.available_from < today <= old.available_until:
            return _split_bed(request, old, form, stated_by, changes, today)
        bed = form.save(commit=False)
        bed.source, bed.stated_by, bed.stated_at = BackupBed.Source.FACILITY, stated_by, timezone.now()
        bed.save(update_fields=["beds", "conditions", "source", "stated_by", "stated_at", "updated_at"])
        audit(
            request,
            UPDATE,
            bed,
            f"病院が変更（{stated_by or '名前なし'}）: {changes}",
            username=LINK_USERNAME,
        )
    return bed


def _split_bed(request, old, form, stated_by, changes, today):
    """change_bed_by_link's running row: it ends yesterday as it was (who stated its values
    stays as it was too), and a new row holds the new values from today to the old row's end, so
    the two never overlap. Runs inside change_bed_by_link's transaction."""
    yesterday = today - datetime.timedelta(days=1)
    until = old.available_until
    old.available_until = yesterday
    old.save(update_fields=["available_until", "updated_at"])
    new = BackupBed.objects.create(
        center_id=old.center_id,
        facility_id=old.facility_id,
        beds=form.cleaned_data["beds"],
        conditions=form.cleaned_data["conditions"],
        available_from=today,
        available_until=until,
        source=BackupBed.Source.FACILITY,
        stated_by=stated_by,
        stated_at=timezone.now(),
        updated_by=None,
    )
    who = stated_by or "名前なし"
    audit(
        request,
        UPDATE,
        old,
        f"病院が変更（{who}）: {yesterday}までで終了、{today}からは新しい登録 #{new.pk}: {changes}",
        username=LINK_USERNAME,
    )
    audit(
        request,
        CREATE,
        new,
        f"病院が変更（{who}）: 登録 #{old.pk} の{today}からの分: {changes}",
        username=LINK_USERNAME,
    )
    return new
