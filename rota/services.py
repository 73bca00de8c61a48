"""Every write of the rota app: one function each, atomic, with its audit entry. Forms only
validate; views call these. Rotas and backup beds carry no client's data, so the audit entries
keep the changed values."""

import copy
import datetime

from django.db import transaction
from django.utils import timezone

from coordination.security import CREATE, UPDATE, audit, changed_fields
from rota import patterns
from rota.models import BackupBed, FacilityFeed, Shift, ShiftBackup, Swap, new_token

# The name an audit entry of the hospital's own link carries (as resources' update-link answers).
LINK_USERNAME = "施設（更新用リンク）"


def save_owned(request, form):
    """A rota, or a new backup-bed entry, from its valid CenterOwnedForm (a backup bed's edit is
    change_bed's: it must not rewrite the days already past)."""
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
    yet, or started today, is withdrawn; one carrying on yesterday's row is too, and that row
    then records the acceptance up to yesterday)."""
    today = timezone.localdate()
    with transaction.atomic():
        bed = BackupBed.objects.select_for_update().get(pk=bed.pk, facility_id=link.facility_id)
        if bed.available_from >= today:
            continuing = BackupBed.objects.continuing(today).filter(pk=bed.pk).exists()
            what = "終了（今日からの分を削除）" if continuing else "取り下げ"
            detail = f"病院が{what}（{stated_by or '名前なし'}）: {bed}"
            audit(request, UPDATE, bed, detail, username=LINK_USERNAME)
            bed.delete()
            return None
        bed.available_until = min(bed.available_until, today - datetime.timedelta(days=1))
        bed.source, bed.stated_by, bed.stated_at = BackupBed.Source.FACILITY, stated_by, timezone.now()
        bed.save(update_fields=["available_until", "source", "stated_by", "stated_at", "updated_at"])
        audit(request, UPDATE, bed, f"病院が終了（{stated_by or '名前なし'}）: {bed}", username=LINK_USERNAME)
    return bed


# A change of these alone leaves the past days as they were: the name of whoever typed it on the
# link, and the end of the period (the form keeps it from reaching back before yesterday).
IN_PLACE_FIELDS = {"stated_by", "available_until"}


class _Writer:
    """Who changes a row, as the row and its audit entries keep it: the hospital through its
    update link (the name its contact typed, under LINK_USERNAME), else the signed-in coordinator
    or admin (updated_by, and the audit entry's own user)."""

    def __init__(self, request, form, link):
        self.request, self.link = request, link
        self.stated_by = form.cleaned_data.get("stated_by", "") if link is not None else ""
        label = form.fields["stated_by"].label if "stated_by" in form.fields else None
        # Who typed it is in the entry's head already, not among the changes.
        lines = [
            line for line in changed_fields(form).splitlines() if not label or not line.startswith(label)
        ]
        self.changes = "、".join(lines) or "変更なし"
        self.head = f"病院が変更（{self.stated_by or '名前なし'}）: " if link is not None else ""

    def stamp(self, bed):
        """Marks the row as this writer's statement; returns the fields that took it."""
        if self.link is not None:
            bed.source, bed.stated_by, bed.stated_at = (
                BackupBed.Source.FACILITY,
                self.stated_by,
                timezone.now(),
            )
            return ["source", "stated_by", "stated_at", "updated_at"]
        bed.source, bed.updated_by = BackupBed.Source.CENTER, self.request.user
        return ["source", "updated_by", "updated_at"]

    def audit(self, action, bed, detail):
        username = LINK_USERNAME if self.link is not None else ""
        audit(self.request, action, bed, self.head + detail, username=username)


def change_bed(request, form, link=None):
    """One backup-bed row changed: by a coordinator or an admin on its edit page (BackupBedForm),
    or by the hospital through its update link (`link`, LinkBedChangeForm). A row already running
    since before today keeps what it offered until yesterday (the record of past days must not be
    rewritten) and a new row carries the new values from today to the (new) end; a row starting
    today or later, or a change of the end alone, is changed in place. Returns the row valid from
    today; the audit entries, one for each row written, keep the old and new values."""
    today = timezone.localdate()
    with transaction.atomic():
        # Locked, so an end or another edit at the same moment does not interleave; the locked
        # row also holds the stored values (form.instance already carries the new ones).
        rows = BackupBed.objects.select_for_update()
        if link is not None:
            rows = rows.filter(facility_id=link.facility_id)
        old = rows.get(pk=form.instance.pk)
        writer = _Writer(request, form, link)
        values_changed = bool(set(form.changed_data) - IN_PLACE_FIELDS)
        if values_changed and old.available_from < today <= old.available_until:
            return _split_bed(old, form, writer, today)
        bed = form.save(commit=False)
        # Only what the form holds and the stamps: a field it does not show keeps the locked value.
        fields = [f.name for f in BackupBed._meta.concrete_fields if f.name in form.fields]
        bed.save(update_fields=fields + writer.stamp(bed))
        writer.audit(UPDATE, bed, writer.changes)
    return bed


def _split_bed(old, form, writer, today):
    """change_bed's running row: it ends yesterday as it was (who stated its values stays as it
    was too), and a new row holds the new values (form.instance's) from today to the end the form
    gives, so the two never overlap. Runs inside change_bed's transaction."""
    yesterday = today - datetime.timedelta(days=1)
    old.available_until = yesterday
    old.save(update_fields=["available_until", "updated_at"])
    # The form's instance holds the new values (and the old row's pk): a copy saved as a new row.
    new = copy.copy(form.instance)
    new.pk, new._state.adding = None, True
    new.available_from, new.updated_by = today, None
    new.source, new.stated_by, new.stated_at = BackupBed.Source.CENTER, "", None
    writer.stamp(new)
    new.save()
    writer.audit(UPDATE, old, f"{yesterday}までで終了、{today}からは新しい登録 #{new.pk}: {writer.changes}")
    writer.audit(CREATE, new, f"登録 #{old.pk} の{today}からの分: {writer.changes}")
    return new
