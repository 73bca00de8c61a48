import calendar
import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from coordination.access import get_for_user, role_required
from coordination.dates import is_national_holiday, month_range
from coordination.exports import content_disposition
from coordination.forms import as_stored, post_data
from coordination.models import sees_professional_fields
from resources.models import Facility
from rota import feeds, panels, services
from rota.forms import BackupBedForm, GenerateForm, RotaForm, ShiftForm, SwapForm, list_line
from rota.models import READERS, WRITERS, BackupBed, FacilityFeed, Rota, Shift, day_start

WEEKDAY_LABELS = ["日", "月", "火", "水", "木", "金", "土"]


def _month(request):
    """(year, month) from ?month=YYYY-MM, else the current one; a bad value says so."""
    raw = request.GET.get("month", "")
    today = timezone.localdate(panels.now())
    if raw:
        try:
            day = datetime.datetime.strptime(raw, "%Y-%m").date()
            if 2000 <= day.year <= 2100:
                return day.year, day.month
        except ValueError:
            pass
        messages.error(request, f"月の指定「{raw[:20]}」が読めません（例: 2027-01）。今月を表示します。")
    return today.year, today.month


def _shift_month(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _month_shifts(rota, year, month):
    first, last = month_range(year, month)
    return list(
        rota.shifts.filter(
            starts_at__gte=day_start(first), starts_at__lt=day_start(last + datetime.timedelta(days=1))
        )
        .select_related("facility")
        .prefetch_related("backups__facility", "swaps")
    )


def _weeks(year, month, shifts):
    """Weeks (Sunday first) of day cells: {day, in_month, holiday, shifts}."""
    by_day = {}
    for shift in shifts:
        by_day.setdefault(shift.local_start.date(), []).append(shift)
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == month,
                    "holiday": is_national_holiday(day) or day.weekday() == 6,
                    "saturday": day.weekday() == 5,
                    "shifts": by_day.get(day, []) if day.month == month else [],
                }
                for day in week
            ]
        )
    return weeks


def _month_context(request, rota):
    year, month = _month(request)
    shifts = _month_shifts(rota, year, month)
    return {
        "rota": rota,
        "year": year,
        "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "prev_month": "{:04d}-{:02d}".format(*_shift_month(year, month, -1)),
        "next_month": "{:04d}-{:02d}".format(*_shift_month(year, month, 1)),
        "weeks": _weeks(year, month, shifts),
        "weekday_labels": WEEKDAY_LABELS,
        "shifts": shifts,
        "gap_count": sum(1 for s in shifts if s.is_gap),
        "can_edit": Rota.objects.for_user(request.user).filter(pk=rota.pk).exists(),
        "pro": True,
    }


# --- Rotas ------------------------------------------------------------------------------------


@role_required(*READERS)
def index(request):
    moment = panels.now()
    rotas = list(
        Rota.objects.readable_by(request.user)
        .select_related("center", "area")
        .annotate(
            upcoming_gaps=Count(
                "shifts",
                filter=Q(shifts__facility__isnull=True, shifts__ends_at__gt=moment),
            )
        )
    )
    return render(
        request,
        "rota/index.html",
        {
            "rotas": rotas,
            "now_rows": panels.duty_at(moment, rotas),
            "moment": moment,
            "pro": True,
            "can_create": request.user.role in WRITERS,
        },
    )


@never_cache
@role_required(*WRITERS)
def create(request):
    form = RotaForm(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        rota = services.save_owned(request, form)
        messages.success(request, f"当番表「{rota}」を登録しました。続けて当番を作成してください。")
        return redirect("rota:generate", pk=rota.pk)
    return render(request, "rota/form.html", {"form": form})


@never_cache
@role_required(*WRITERS)
def edit(request, pk):
    rota = get_for_user(Rota.objects, request.user, pk=pk)
    stored = as_stored(rota)
    form = RotaForm(post_data(request), instance=rota, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_owned(request, form)
        messages.success(request, f"当番表「{rota}」を更新しました。")
        return redirect("rota:detail", pk=rota.pk)
    return render(request, "rota/form.html", {"form": form, "rota": stored})


@role_required(*READERS)
def detail(request, pk):
    rota = get_object_or_404(Rota.objects.readable_by(request.user).select_related("center", "area"), pk=pk)
    return render(request, "rota/detail.html", _month_context(request, rota))


@role_required(*READERS)
def print_month(request, pk):
    rota = get_object_or_404(Rota.objects.readable_by(request.user).select_related("center", "area"), pk=pk)
    context = _month_context(request, rota)
    context["printed_at"] = timezone.localtime()
    return render(request, "rota/print.html", context)


@never_cache
@role_required(*WRITERS)
def generate(request, pk):
    rota = get_for_user(Rota.objects, request.user, pk=pk)
    year, month = _month(request)
    form = GenerateForm(
        post_data(request),
        initial={"month": f"{year:04d}-{month:02d}", "clinics": _last_clinics(rota), "first": 1},
    )
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["month"]
        created, kept = services.generate_month(
            request, rota, year, month, form.cleaned_data["clinics"], form.cleaned_data["first"] - 1
        )
        messages.success(
            request,
            f"{year}年{month}月の当番を{created}件作成しました。"
            + (f"すでにあった{kept}件はそのままです。" if kept else ""),
        )
        return redirect(f"{rota_url(rota)}?month={year:04d}-{month:02d}")
    return render(request, "rota/generate.html", {"rota": rota, "form": form})


def rota_url(rota):
    return reverse("rota:detail", args=[rota.pk])


def _last_clinics(rota):
    """The clinics of the rota's latest month, in their first turn order (to start the next month
    from the same list)."""
    latest = rota.shifts.order_by("-starts_at").first()
    if not latest:
        return ""
    first, last = month_range(latest.local_start.year, latest.local_start.month)
    seen = []
    for facility in (
        Facility.objects.filter(
            rota_shifts__rota=rota,
            rota_shifts__starts_at__gte=day_start(first),
        )
        .order_by("rota_shifts__starts_at")
        .only("code", "name")
    ):
        if facility not in seen:
            seen.append(facility)
    return "\n".join(list_line(f) for f in seen)


# --- Shifts -----------------------------------------------------------------------------------


def _editable_shift(request, pk, sid):
    rota = get_for_user(Rota.objects, request.user, pk=pk)
    return rota, get_object_or_404(rota.shifts.select_related("facility"), pk=sid)


def _back_to_month(request, rota, shift, done):
    """After a change to a shift: said (「6月3日の当番を更新しました。」), and back to its month."""
    messages.success(request, f"{shift.local_start:%-m月%-d日}の当番{done}。")
    return redirect(f"{rota_url(rota)}?month={shift.local_start:%Y-%m}")


def _shift_page(request, template, rota, shift, form):
    """A page about one shift (its edit, its swap) with the swaps recorded so far."""
    swaps = shift.swaps.select_related("from_facility", "to_facility", "recorded_by")
    return render(request, template, {"rota": rota, "shift": shift, "form": form, "swaps": swaps})


@never_cache
@role_required(*WRITERS)
def shift_create(request, pk):
    """One shift added by hand (a day the pattern does not cover, such as a Saturday afternoon)."""
    rota = get_for_user(Rota.objects, request.user, pk=pk)
    form = ShiftForm(post_data(request), instance=Shift(rota=rota))
    if request.method == "POST" and form.is_valid():
        return _back_to_month(request, rota, services.save_shift(request, form), "を追加しました")
    return render(request, "rota/shift_form.html", {"rota": rota, "form": form})


@never_cache
@role_required(*WRITERS)
def shift_edit(request, pk, sid):
    rota, shift = _editable_shift(request, pk, sid)
    stored = as_stored(shift)
    form = ShiftForm(post_data(request), instance=shift)
    if request.method == "POST" and form.is_valid():
        services.save_shift(request, form)
        return _back_to_month(request, rota, shift, "を更新しました")
    return _shift_page(request, "rota/shift_form.html", rota, stored, form)


@never_cache
@role_required(*WRITERS)
def swap(request, pk, sid):
    rota, shift = _editable_shift(request, pk, sid)
    form = SwapForm(post_data(request), shift=shift)
    if request.method == "POST" and form.is_valid():
        services.record_swap(
            request,
            shift,
            form.cleaned_data["to_facility"],
            form.cleaned_data["to_doctor"],
            form.cleaned_data["reason"],
        )
        return _back_to_month(request, rota, shift, "の交代を記録しました")
    return _shift_page(request, "rota/swap_form.html", rota, shift, form)


# --- Calendar feeds ---------------------------------------------------------------------------


@never_cache
@role_required(*WRITERS)
def feed_links(request, pk):
    rota = get_for_user(Rota.objects, request.user, pk=pk)
    if request.method == "POST":
        if request.POST.get("renew") == "rota":
            services.renew_feed_token(request, rota)
            messages.success(request, "当番表全体の URL を作り直しました。前の URL はもう使えません。")
            return redirect("rota:feed_links", pk=rota.pk)
        facility = get_object_or_404(
            Facility.objects.filter(rota_shifts__rota=rota).distinct(), pk=_int(request.POST.get("facility"))
        )
        existing = FacilityFeed.objects.filter(facility=facility).first()
        if existing and request.POST.get("renew") == "facility":
            services.renew_feed_token(request, existing)
            messages.success(request, f"{facility}の URL を作り直しました。前の URL はもう使えません。")
        else:
            services.issue_facility_feed(request, facility)
            messages.success(request, f"{facility}のカレンダー配信の URL を発行しました。")
        return redirect("rota:feed_links", pk=rota.pk)
    facilities = list(
        Facility.objects.filter(rota_shifts__rota=rota)
        .distinct()
        .select_related("rota_feed")
        .order_by("name")
    )
    return render(request, "rota/feeds.html", {"rota": rota, "facilities": facilities})


def _int(value):
    if not (value or "").isdigit() or len(value) > 18:
        raise Http404("指定された番号が正しくありません。")
    return int(value)


def _calendar_response(body, name):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{name}.ics", inline=True)
    response["Cache-Control"] = "private, no-store"
    return response


def rota_feed(request, token):
    """A rota's shifts by its private link (no login: a calendar application fetches it)."""
    rota = get_object_or_404(Rota, feed_token=token)
    return _calendar_response(feeds.rota_calendar(rota), f"rota-{rota.pk}")


def facility_feed(request, token):
    feed = get_object_or_404(FacilityFeed.objects.select_related("facility"), token=token)
    return _calendar_response(feeds.facility_calendar(feed.facility), f"facility-{feed.facility_id}")


# --- Backup beds ------------------------------------------------------------------------------


@role_required(*READERS)
def backup_beds(request):
    """Today's and coming backup beds, grouped by hospital (those taking patients today first)
    with the number to call: the direct line for professionals and staff, else the main one."""
    today = timezone.localdate(panels.now())
    beds = list(
        BackupBed.objects.readable_by(request.user)
        .filter(available_until__gte=today)
        .select_related("facility", "center", "updated_by")
        .order_by("facility__name", "facility_id", "available_from", "pk")
    )
    pro = sees_professional_fields(request.user)
    groups = {}
    for bed in beds:
        group = groups.setdefault(bed.facility_id, {"facility": bed.facility, "beds": [], "today": 0})
        group["beds"].append(bed)
        if bed.available_from <= today:
            group["today"] += bed.beds
    for group in groups.values():
        facility = group["facility"]
        direct = facility.direct_phone if pro else ""
        group["phone"], group["phone_label"] = (direct, "直通") if direct else (facility.phone, "電話")
    editable = set(BackupBed.objects.for_user(request.user).values_list("pk", flat=True))
    return render(
        request,
        "rota/backup_beds.html",
        {
            "groups": sorted(groups.values(), key=lambda g: not g["today"]),  # stable: names kept in order
            "today": today,
            "editable": editable,
            "can_create": request.user.role in WRITERS,
        },
    )


@never_cache
@role_required(*WRITERS)
def backup_bed_create(request):
    initial = {}
    facility_id = request.GET.get("facility")
    if facility_id:
        initial["facility"] = _int(facility_id)
    copied = request.GET.get("copy")
    if copied:
        # 「同じ内容で新しく登録する」 from a row that has ended: its hospital, beds and conditions.
        source = get_for_user(BackupBed.objects.all(), request.user, pk=_int(copied))
        initial.update(
            center=source.center_id,
            facility=source.facility_id,
            beds=source.beds,
            conditions=source.conditions,
            available_from=timezone.localdate(),
        )
    form = BackupBedForm(post_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        bed = services.save_owned(request, form)
        messages.success(request, f"{bed.facility}の後方支援病床を登録しました。")
        return redirect("rota:backup_beds")
    return render(request, "rota/backup_bed_form.html", {"form": form})


@never_cache
@role_required(*WRITERS)
def backup_bed_edit(request, pk):
    bed = get_for_user(BackupBed.objects.select_related("facility"), request.user, pk=pk)
    stored = as_stored(bed)
    form = BackupBedForm(post_data(request), instance=bed, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.change_bed(request, form)
        text = f"{saved.facility}の後方支援病床を更新しました。"
        if saved.pk != stored.pk:  # split: the past days keep what was offered then
            text += (
                f"今日（{saved.available_from:%-m月%-d日}）からの分を新しい登録にしました。"
                f"{stored.available_from:%-m月%-d日}〜昨日の{stored.beds}床は記録として残ります。"
            )
        messages.success(request, text)
        return redirect("rota:backup_beds")
    return render(
        request,
        "rota/backup_bed_form.html",
        {"form": form, "bed": stored, "running": form.running, "ended": form.ended},
    )
