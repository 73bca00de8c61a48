"""What the rota app shows on pages of earlier apps (the home dashboard, the facility page, the
consultation page) and the on-duty queries behind them and `manage.py rota_now`."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from coordination.models import Center, sees_professional_fields
from resources.models import Capability
from resources.updates import SendingCenters
from rota.models import BackupBed, Rota, Shift, ShiftBackup

# A consultation about one of these topics asks where a patient at home can go tonight.
BACKUP_TOPIC_WORDS = ("後方支援", "急変")
GAP_DAYS = 31
# The capability a facility answering day and night has (resources.reference).
ROUND_THE_CLOCK = "24h"


def now():
    """The moment "on duty now" is judged at (a function so tests can freeze it)."""
    return timezone.now()


def tonight_window(moment):
    """From this evening 18:00 to tomorrow 9:00, local time; between midnight and 9:00 the night
    that is still running (at 03:00 "tonight" is the shift on duty until the morning)."""
    local = timezone.localtime(moment)
    today = local.date()
    if local.hour < 9:
        start = datetime.datetime.combine(today, datetime.time(0))
        end = datetime.datetime.combine(today, datetime.time(9))
    else:
        start = datetime.datetime.combine(today, datetime.time(18))
        end = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(9))
    return timezone.make_aware(start), timezone.make_aware(end)


def _rotas(rotas):
    return list(rotas if rotas is not None else Rota.objects.select_related("center"))


def duty_at(moment, rotas=None):
    """[(rota, shift or None)] for every rota: the shift running at `moment` (None when the rota
    has none then). A shift without a facility is a gap. Two queries (three with backups)."""
    rotas = _rotas(rotas)
    shifts = {s.rota_id: s for s in Shift.objects.with_people().at(moment).filter(rota__in=rotas)}
    return [(rota, shifts.get(rota.pk)) for rota in rotas]


def duty_tonight(moment, rotas=None):
    """[(rota, [shifts])]: each rota's shifts overlapping tonight's window and not over yet."""
    rotas = _rotas(rotas)
    start, end = tonight_window(moment)
    by_rota = {}
    for shift in Shift.objects.with_people().overlapping(max(start, moment), end).filter(rota__in=rotas):
        by_rota.setdefault(shift.rota_id, []).append(shift)
    return [(rota, by_rota.get(rota.pk, [])) for rota in rotas]


def later_tonight(now_rows, tonight_rows):
    """[(rota, [shifts], continues)]: tonight's shifts of each rota without the one on duty now
    (shown once, under いまの当番), and whether the shift on duty now runs on into tonight."""
    now_ids = {shift.pk for _, shift in now_rows if shift is not None}
    return [
        (rota, [s for s in shifts if s.pk not in now_ids], any(s.pk in now_ids for s in shifts))
        for rota, shifts in tonight_rows
    ]


def on_duty(request):
    """The dashboard block: who is on duty now and tonight, every rota. The doctor and the
    on-duty contact only for professionals and staff."""
    moment = now()
    rotas = _rotas(None)
    now_rows = duty_at(moment, rotas)
    return {
        "moment": moment,
        "now_rows": now_rows,
        "tonight_rows": later_tonight(now_rows, duty_tonight(moment, rotas)),
        "pro": sees_professional_fields(request.user),
    }


SHIFT_SHOWN = ("rota_id", "kind", "starts_at", "ends_at", "facility_id", "doctor", "contact")


def search_on_duty(request, obj=None):
    """The directory's search page (its `search` slot), for professionals and staff: who is on
    duty now and later tonight in each rota that has someone then, from one query of shifts (and
    one of their backups)."""
    moment = now()
    start, end = tonight_window(moment)
    # Only what the block shows (templates/rota/_duty_row.html): the search page renders it on
    # every search, and a facility's whole row, read twice, costs more than the rest of the block.
    # Ordered by their number alone: the prefetch sorts them to their shift, so the model's own
    # order (by shift first) would only add a join to the shifts and its sorting.
    backups = (
        ShiftBackup.objects.select_related("facility")
        .only("shift_id", "order", "facility__name")
        .order_by("order")
    )
    shifts = list(
        Shift.objects.select_related("rota", "facility")
        .only(*SHIFT_SHOWN, "rota__name", "facility__name", "facility__code", "facility__direct_phone")
        .prefetch_related(Prefetch("backups", queryset=backups))
        .filter(
            Q(starts_at__lte=moment, ends_at__gt=moment)
            | Q(starts_at__lt=end, ends_at__gt=max(start, moment))
        )
        .order_by("rota__name", "rota_id", "starts_at")
    )
    rows = {}
    for shift in shifts:
        row = rows.setdefault(shift.rota_id, {"rota": shift.rota, "now": None, "later": []})
        if shift.starts_at <= moment:
            row["now"] = shift
        else:
            row["later"].append(shift)
    return {"moment": moment, "rows": list(rows.values()), "pro": sees_professional_fields(request.user)}


def search_result_beds(request, facility_ids):
    """The directory's search results (the `search_results` annotations): for each hospital on
    the page with backup beds today, their number and conditions; for one with none today but
    beds to come, the day they start and their number. One query for the page's hospitals."""
    today = timezone.localdate(now())
    rows = (
        BackupBed.objects.readable_by(request.user)
        .filter(facility_id__in=facility_ids, available_until__gte=today)
        .order_by("facility_id", "available_from", "pk")
        .values_list("facility_id", "beds", "available_from", "conditions")
    )
    found = {}
    for facility_id, beds, available_from, conditions in rows:
        note = found.setdefault(
            facility_id, {"today": 0, "conditions": [], "next_from": None, "next_beds": 0}
        )
        if available_from <= today:
            note["today"] += beds
            # The first sentence of each row's conditions, once: the card has room for a hint
            # (登録患者のみ), the list (/rota/backup-beds/) has them in full.
            line = conditions.strip().splitlines()[0].split("。")[0].strip() if conditions.strip() else ""
            if line and line not in note["conditions"]:
                note["conditions"].append(line)
        elif note["next_from"] is None or available_from == note["next_from"]:
            note["next_from"] = available_from
            note["next_beds"] += beds
    for note in found.values():
        note["conditions"] = "／".join(note["conditions"])
    return found


def gaps(request):
    """Coordinators' dashboard: shifts with nobody on duty from now on (their center's rotas)."""
    moment = now()
    shifts = list(
        Shift.objects.filter(rota__in=Rota.objects.for_user(request.user))
        .gaps()
        .filter(ends_at__gt=moment, starts_at__lt=moment + datetime.timedelta(days=GAP_DAYS))
        .select_related("rota")[:20]
    )
    return {"gap_shifts": shifts, "gap_days": GAP_DAYS}


def covering(facility, prefix="rota__"):
    """The rotas that cover the facility's place: those whose 対象地域 is the facility's area or one
    above it, and those without one whose center covers such an area (a center's rota for its two
    wards) or no area at all (city-wide). A facility with no area is covered by every rota.
    A Q over shifts (prefix "rota__") or, with prefix "", over rotas."""
    if facility.area_id is None:
        return Q()
    around = facility.area.ancestor_ids()
    center_areas = Center.areas.through.objects.filter(center_id=OuterRef(f"{prefix}center_id"))
    return Q(**{f"{prefix}area_id__in": around}) | Q(
        Q(Exists(center_areas.filter(area_id__in=around))) | ~Exists(center_areas),
        **{f"{prefix}area__isnull": True},
    )


FACILITY_DAYS = 14
BACKUP_CAPABILITY = "backup-hospital"


def may_keep_beds(facility):
    """A hospital, or a facility flagged 在宅療養後方支援病院: the only ones beds are entered for
    (rota.forms, rota.link_views). Read from the facility page's prefetched capabilities, so a
    clinic's page asks nothing more of the database."""
    return facility.kind.code == "hospital" or any(
        c.code == BACKUP_CAPABILITY for c in facility.capabilities.all()
    )


def facility_on_duty(request, facility):
    """The facility page: its backup beds valid today, its shifts in the coming two weeks (on
    duty or as a backup, 後方), and for each rota that applies to it (those covering its area, a
    clinic in 門司区 is not shown 八幡西区's doctor, and those it takes shifts in) who is on duty
    now, or when nobody is, who comes next within a day. One query of rotas with one of their
    shifts (and one of the shifts' backups), and one of the beds."""
    moment = now()
    soon = Q(ends_at__gt=moment, starts_at__lt=moment + datetime.timedelta(days=FACILITY_DAYS))
    # A backup hospital takes its part in the rota as a ShiftBackup, never as the shift's facility.
    as_backup = Exists(ShiftBackup.objects.filter(shift_id=OuterRef("pk"), facility_id=facility.pk))
    own = soon & (Q(facility=facility) | Q(as_backup))
    shown = own | Q(ends_at__gt=moment, starts_at__lt=moment + datetime.timedelta(days=1))
    takes_part = Exists(Shift.objects.filter(own, rota_id=OuterRef("pk")))
    area = covering(facility, prefix="")
    applies = area | Q(takes_part) if area else Q()  # no area: every rota (an empty Q is "all")
    rotas = list(
        Rota.objects.filter(applies)
        .prefetch_related(
            Prefetch(
                "shifts",
                queryset=Shift.objects.with_people().filter(shown).order_by("starts_at"),
                to_attr="shown",
            )
        )
        .order_by("name", "pk")
    )
    upcoming = []
    for rota in rotas:
        for shift in rota.shown:
            if shift.facility_id == facility.pk:
                upcoming.append({"shift": shift, "backup": None})
                continue
            backup = next((b for b in shift.backups.all() if b.facility_id == facility.pk), None)
            if backup is not None:
                upcoming.append({"shift": shift, "backup": backup})
    upcoming.sort(key=lambda row: (row["shift"].starts_at, row["shift"].rota.name))
    rows = []
    for rota in rotas:
        current = next((s for s in rota.shown if s.starts_at <= moment), None)
        following = None if current else next((s for s in rota.shown if s.starts_at > moment), None)
        rows.append({"rota": rota, "now": current, "next": following})
    beds = []
    if may_keep_beds(facility):
        beds = list(
            BackupBed.objects.readable_by(request.user)
            .current(timezone.localdate(moment))
            .filter(facility_id=facility.pk)
            .order_by("available_from", "pk")
        )
    # Where no rota covers the facility's area, "none registered" alone leaves a care manager at
    # night with nothing to do: the page says whom to turn to instead, and links the area's
    # 24時間対応 facilities.
    fallback = None
    if not rows:
        fallback = {
            "center": SendingCenters().for_area(facility.area_id),
            "round_the_clock": Capability.objects.filter(code=ROUND_THE_CLOCK)
            .values_list("pk", flat=True)
            .first(),
        }
    return {
        "facility": facility,
        "fallback": fallback,
        "upcoming": upcoming[:5],
        "more_upcoming": len(upcoming) > 5,
        "beds": beds,
        "bed_total": sum(b.beds for b in beds),
        "moment": moment,
        "rows": rows,
        "pro": sees_professional_fields(request.user),
    }


def wants_backup(consultation):
    if consultation is None or consultation.pk is None:
        return True  # the form of a new consultation: the topic is not chosen yet
    return any(any(w in t.name for w in BACKUP_TOPIC_WORDS) for t in consultation.topics.all())


def consultation_backup(request, consultation):
    """The consultation page (and form) about 後方支援 / 急変時: today's backup beds and tonight's
    on-call, each with a one-click start of a 連絡調整 row for that facility."""
    if not wants_backup(consultation):
        return {"show": False}
    moment = now()
    return {
        "show": True,
        "consultation": consultation if consultation is not None and consultation.pk else None,
        "beds": list(BackupBed.objects.current(timezone.localdate(moment)).select_related("facility")),
        "tonight_rows": [row for row in duty_tonight(moment) if row[1]],
        "moment": moment,
    }
