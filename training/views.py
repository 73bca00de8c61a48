from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coordination import extensions
from coordination.access import CENTER_READERS, CENTER_WRITERS, get_for_user, role_required, visible_centers
from coordination.exports import csv_response, xlsx_response
from coordination.filters import filtered_page
from coordination.forms import as_stored, errors_to_messages, post_data
from coordination.models import Role
from coordination.text import normalize
from training import services
from training.filters import EventFilter
from training.forms import (
    ApplyTemplateForm,
    AttendanceCountsForm,
    BulkRegistrationForm,
    EventForm,
    RegistrationForm,
    StaffRegistrationForm,
    TaskForm,
)
from training.models import (
    AlreadyCancelled,
    Event,
    Item,
    Phase,
    Registration,
    SupporterCount,
    Task,
    in_name_order,
    supporters_by_year,
    yearly_history,
)

MANAGERS, HISTORY_READERS = CENTER_WRITERS, CENTER_READERS
PAGE_SIZE = 25
EVENT_LIST_RELATED = ("center",)
EVENT_LIST_PREFETCH = ("formats", "organiser_links__organisation", "co_host_centers")
# What an event's summary shows (training/_event_summary.html): the list's, and its 対象職種.
EVENT_SUMMARY_PREFETCH = (*EVENT_LIST_PREFETCH, "audience_professions")


def _managed(request, pk, queryset=None):
    """The event for its managers (admins, the owning center's coordinators); 404 for others."""
    queryset = Event.objects.select_related("center") if queryset is None else queryset
    return get_for_user(queryset, request.user, pk=pk)


@role_required(Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)
def index(request):
    user = request.user
    if user.role == Role.PROFESSIONAL:
        # Professionals see what they can sign up for, from every center, and their own sign-ups.
        events = (
            Event.objects.open_for_registration()
            .with_seats()
            .select_related(*EVENT_LIST_RELATED)
            .prefetch_related(*EVENT_SUMMARY_PREFETCH)
            .order_by("starts_at")
        )
        mine = (
            Registration.objects.filter(user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .with_waiting_position()
            .select_related("event__center")
            .order_by("-event__starts_at")
        )
        mine = list(mine[:50])
        status_of = {r.event_id: r for r in mine}
        events = list(events[:100])
        for event in events:
            event.my_registration = status_of.get(event.pk)
        return render(request, "training/open_events.html", {"events": events, "mine": mine})
    queryset = (
        Event.objects.for_user(user)
        .with_seats()
        .order_by("-starts_at", "-pk")  # the annotation's GROUP BY drops Meta.ordering
        .select_related(*EVENT_LIST_RELATED)
        .prefetch_related(*EVENT_LIST_PREFETCH)
    )
    filter_form, page = filtered_page(request, EventFilter, queryset, PAGE_SIZE)
    return render(
        request,
        "training/index.html",
        {"filter_form": filter_form, "page_obj": page, "events": page.object_list},
    )


@never_cache
@role_required(*MANAGERS)
def create(request):
    form = EventForm(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        event, _ = services.save_event(request, form)
        messages.success(request, f"「{event.title}」を登録しました。")
        return redirect(event)
    return render(request, "training/form.html", {"form": form})


@never_cache
@role_required(*MANAGERS)
def edit(request, pk):
    event = _managed(request, pk)
    stored = as_stored(event)
    form = EventForm(post_data(request), instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        event, promoted = services.save_event(request, form)
        messages.success(request, f"「{event.title}」を更新しました。")
        for registration in promoted:
            _say_promoted(request, registration)
        return redirect(event)
    return render(request, "training/form.html", {"form": form, "event": stored})


@never_cache
@role_required(Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)
def detail(request, pk):
    if request.user.role == Role.PROFESSIONAL:
        return _detail_for_professional(request, pk)
    event = _managed(
        request,
        pk,
        Event.objects.with_seats()
        .select_related("center", "created_by")
        .prefetch_related(
            "formats", "audience_professions", "organiser_links__organisation", "co_host_centers"
        ),
    )
    registrations = in_name_order(event.registrations.select_related("profession"))
    check_in_refusal = event.check_in_refusal()
    attendance = event.attendance_by_profession()
    roster = Roster(request.GET)
    shown = [r for r in registrations if roster.shows(r)]
    notices, list_notices, row_notices = _place_messages(request, shown)
    for r in shown:
        r.notices = row_notices.get(r.pk, [])
    return render(
        request,
        "training/detail.html",
        {
            "event": event,
            "registrations": shown,
            "registration_total": len(registrations),
            "pending_total": sum(roster.is_pending(r) for r in registrations),
            "roster": roster,
            "notices": notices,
            "list_notices": list_notices,
            "confirmed": sum(r.status == Registration.Status.CONFIRMED for r in registrations),
            "waitlisted": sum(r.status == Registration.Status.WAITLISTED for r in registrations),
            "checked_in": sum(r.checked_in_at is not None for r in registrations),
            # Before the event's day nobody can be checked in: the page says so once, with no buttons.
            "check_in_refusal": check_in_refusal,
            # On the day, the door staff jump straight to the list from the top of the page.
            "is_event_day": event.day == timezone.localdate(),
            "attendance": attendance,
            "attendance_total": sum(n for _, n in attendance),
            "organisation_count": event.organisation_count(),
            "registration_form": RegistrationForm(),
            "tasks": _tasks_by_phase(event),
            "task_form": TaskForm(),
            "template_form": ApplyTemplateForm(),
            "panels": extensions.panels("event", request, event),
        },
    )


class Roster:
    """The door list's filter (GET or the check-in form's hidden fields): `q` a part of the name,
    its ふりがな or 所属 (folded as the search folds), `pending` 未受付のみ (signed up, not yet
    checked in)."""

    def __init__(self, data):
        self.q = (data.get("q") or "").strip()[:50]
        self.pending = data.get("pending") == "1"
        self._folded = normalize(self.q)

    @staticmethod
    def is_pending(registration):
        return registration.checked_in_at is None and registration.status != Registration.Status.CANCELLED

    def shows(self, registration):
        if self.pending and not self.is_pending(registration):
            return False
        if self._folded:
            return any(
                self._folded in normalize(text)
                for text in (registration.name, registration.name_kana, registration.organisation)
            )
        return True

    @property
    def filtered(self):
        return bool(self.q or self.pending)

    def query(self, **changes):
        """The filter's query string, with `changes` (None drops a key)."""
        params = {"q": self.q, "pending": "1" if self.pending else ""}
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    def all_query(self):
        return self.query(pending=None)

    def pending_query(self):
        return self.query(pending="1")

    def clear_query(self):
        return self.query(q=None)

    def back_to_list(self, event, registration):
        """Where the door staff land after acting on `registration`: its own card, or, when it has
        just left the 未受付のみ list, the next person of that list (the list's top when none is
        left); the messages are shown there (`at`), not at the top of the page."""
        anchor = registration
        if not self.shows(registration):
            ordered = in_name_order(event.registrations.select_related("profession"))
            after = ordered[[r.pk for r in ordered].index(registration.pk) + 1 :]
            anchor = next((r for r in after if self.shows(r)), None)
        at = anchor.pk if anchor else "list"
        fragment = f"reg-{anchor.pk}" if anchor else "registrations"
        return f"{event.get_absolute_url()}?{self.query(at=at)}#{fragment}"


def _place_messages(request, shown):
    """The page's messages as (top of the page, top of the list, {registration pk: its card's}).
    After an action in the list (?at=<pk> or ?at=list, Roster.back_to_list) they are shown where
    the page lands, so a phone at the door sees them; otherwise at the top as on every page."""
    pending = list(messages.get_messages(request))
    at = request.GET.get("at", "")
    if not at:
        return pending, [], {}
    if at.isdigit() and int(at) in {r.pk for r in shown}:
        return [], [], {int(at): pending}
    return [], pending, {}


def _detail_for_professional(request, pk):
    """The page of an event a professional may sign up for (or signed up for): its public facts,
    the seats left and their own registration, with its place on the waiting list. Nothing of
    other participants."""
    user = request.user
    event = get_object_or_404(
        Event.objects.visible_to_professional(user)
        .with_seats()
        .select_related("center")
        .prefetch_related(*EVENT_SUMMARY_PREFETCH),
        pk=pk,
    )
    mine = _own_registration(event.pk, user).with_waiting_position().first()
    can_register = mine is None and Event.objects.open_for_registration().filter(pk=event.pk).exists()
    return render(
        request,
        "training/detail_for_professional.html",
        {
            "event": event,
            "mine": mine,
            "can_register": can_register,
            "can_cancel": mine is not None and event.own_cancel_refusal() is None,
        },
    )


def _own_registration(event_id, user):
    """The professional's own sign-up for the event, unless cancelled (a queryset of at most one)."""
    return Registration.objects.filter(event_id=event_id, user=user).exclude(
        status=Registration.Status.CANCELLED
    )


def _tasks_by_phase(event):
    tasks = list(event.tasks.select_related("done_by"))
    return [(label, [t for t in tasks if t.phase == value]) for value, label in Phase.choices]


@never_cache
@role_required(Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)
def register(request, pk):
    """Professionals sign themselves up for any open event; staff of the owning center enter a
    registration on someone's behalf (e.g. taken by phone or FAX)."""
    user = request.user
    on_behalf = user.role in MANAGERS
    if not on_behalf and _own_registration(pk, user).exists():
        # Signed up already (the form again would only be refused): the event's page says how the
        # sign-up stands and offers to cancel it.
        messages.info(
            request, "この研修にはすでに申し込んでいます。申込の状態と取り消しはこのページでできます。"
        )
        return redirect("training:detail", pk=pk)
    if on_behalf:
        event = _managed(request, pk)
    else:
        event = get_object_or_404(Event.objects.open_for_registration().select_related("center"), pk=pk)
    initial = {}
    if not on_behalf:
        initial = {
            "name": str(user),
            "organisation": user.affiliation,
            "profession": user.profession_id,
            "email": user.email,
        }
    if on_behalf:
        form = StaffRegistrationForm(post_data(request), event=event)
    else:
        form = RegistrationForm(post_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        check_in = fields.pop("check_in", False)
        registration = services.register(
            request, event, fields, user=None if on_behalf else user, check_in=check_in
        )
        if on_behalf:
            messages.success(request, _registered_for_someone(event, registration, check_in))
            return redirect(Roster({}).back_to_list(event, registration))
        waiting = registration.status == Registration.Status.WAITLISTED
        # A professional is told what they signed up for: the list they return to holds several.
        messages.success(
            request,
            f"「{event.title}」（{date_format(timezone.localtime(event.starts_at), 'n月j日（D）H:i')}〜）に"
            + ("キャンセル待ちとして申し込みました。" if waiting else "申し込みました。")
            + (FULL_NOTE if waiting else ""),
        )
        return redirect("training:index")
    return render(request, "training/register.html", {"event": event, "form": form, "on_behalf": on_behalf})


FULL_NOTE = "定員に達しているため、空きが出たら参加確定になります。"


def _registered_for_someone(event, registration, checked_in):
    """What staff are told after entering a sign-up: exactly whether the person is now checked in
    (「受け付けました」 alone read as a check-in at the door when it was not one)."""
    name = registration.name
    if checked_in:
        confirmed = event.registrations.confirmed().count()
        over = event.capacity is not None and confirmed > event.capacity
        seats = f"（定員を超えての参加です。確定 {confirmed}名／定員 {event.capacity}名）" if over else ""
        return f"{name}さんの申込を登録し、当日受付を済ませました{seats}。"
    waiting = registration.status == Registration.Status.WAITLISTED
    done = f"{name}さんの申込を{'キャンセル待ちとして' if waiting else ''}登録しました"
    not_yet = "（当日受付はまだです）" if event.check_in_refusal() is None else ""
    return done + not_yet + "。" + (FULL_NOTE if waiting else "")


@never_cache
@role_required(*MANAGERS)
def bulk_register(request, pk):
    """A FAX sign-up sheet in one go: paste the lines, see what each becomes, then save all (or
    nothing, when a line is wrong)."""
    event = _managed(request, pk)
    form = BulkRegistrationForm(post_data(request), event=event)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") == "1":
        saved, waiting = services.register_many(request, event, form)
        messages.success(
            request,
            f"{len(saved)}名の申込を登録しました"
            + (f"（うちキャンセル待ち{waiting}名）。" if waiting else "。"),
        )
        return redirect(f"{event.get_absolute_url()}#registrations")
    preview = form.cleaned_data["lines"] if form.is_bound and form.is_valid() else None
    return render(request, "training/bulk_register.html", {"event": event, "form": form, "preview": preview})


def _say_promoted(request, registration):
    """Who moved up from the waiting list, and whether the portal told them or staff must."""
    if registration.promotion_told_at:
        messages.info(
            request,
            f"キャンセル待ちの{registration.name}さんが参加確定になりました（{registration.email} にメールでお知らせしました）。",
        )
    else:
        messages.warning(
            request,
            f"キャンセル待ちの{registration.name}さん（{registration.organisation}）が参加確定になりました。"
            "メールアドレスがないため、電話かFAXでお知らせし、参加申込の一覧で「連絡した」を押してください。",
        )


@require_POST
@role_required(*MANAGERS)
def promotion_told(request, pk, rid):
    """「連絡した」: staff phoned or faxed someone who moved up from the waiting list."""
    event, registration = _registration(request, pk, rid)
    if registration.promotion_untold:
        services.mark_told(request, registration)
        messages.success(request, f"{registration.name}さんに繰り上げを連絡したと記録しました。")
    return redirect(Roster(request.POST).back_to_list(event, registration))


def _registration(request, pk, rid):
    event = _managed(request, pk)
    return event, get_object_or_404(Registration, pk=rid, event=event)


@require_POST
@role_required(*MANAGERS)
def check_in(request, pk, rid):
    event, registration = _registration(request, pk, rid)
    was_waiting = registration.status == Registration.Status.WAITLISTED
    if registration.status == Registration.Status.CANCELLED:
        messages.error(request, f"{registration.name}さんの申込は取り消されています。")
    elif not registration.checked_in_at and event.check_in_refusal():
        messages.error(request, f"{registration.name}さんを受け付けられません。{event.check_in_refusal()}")
    elif not services.toggle_check_in(request, registration):
        messages.success(request, f"{registration.name}さんを未受付に戻しました（申込はそのままです）。")
    elif was_waiting:
        # Let in at the door from the waiting list: said, since it may take the event past its 定員.
        confirmed = event.registrations.confirmed().count()
        seats = f"（確定 {confirmed}名／定員 {event.capacity}名）" if event.capacity else ""
        messages.success(
            request, f"キャンセル待ちの{registration.name}さんを受け付け、参加確定にしました{seats}。"
        )
    else:
        messages.success(request, f"{registration.name}さんを受け付けました。")
    registration.refresh_from_db(fields=["checked_in_at", "status"])
    return redirect(Roster(request.POST).back_to_list(event, registration))


@never_cache
@role_required(*MANAGERS)
def cancel(request, pk, rid):
    """Staff cancel someone's registration: a page that says whose and what follows (the waiting
    list moves up), then the cancellation on 「はい、取り消す」, as a participant's own cancel asks
    first (cancel_mine); no JavaScript needed."""
    event, registration = _registration(request, pk, rid)
    back = f"{event.get_absolute_url()}#registrations"
    if registration.status == Registration.Status.CANCELLED:
        messages.info(request, f"{registration.name}さんの申込はすでに取り消されています。")
        return redirect(back)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            promoted = services.cancel(request, event, registration)
        except AlreadyCancelled:
            messages.error(request, f"{registration.name}さんの申込はすでに取り消されています。")
        else:
            messages.success(request, f"{registration.name}さんの申込を取り消しました。")
            if promoted:
                _say_promoted(request, promoted)
        return redirect(back)
    registration = (
        Registration.objects.with_waiting_position().select_related("profession").get(pk=registration.pk)
    )
    return render(
        request, "training/cancel_registration.html", {"event": event, "registration": registration}
    )


ALREADY_CANCELLED = "この申込はすでに取り消されています。"


@never_cache
@role_required(Role.PROFESSIONAL)
def cancel_mine(request, pk, rid):
    """A professional withdraws their own sign-up until the event begins: a page that says what it
    means, then the cancellation staff make (so the waiting list moves up just the same). Someone
    else's registration is 404, as if it did not exist."""
    registration = get_object_or_404(
        Registration.objects.with_waiting_position().select_related("event__center"),
        pk=rid,
        event_id=pk,
        user=request.user,
    )
    event = registration.event
    if registration.status == Registration.Status.CANCELLED:
        messages.info(request, ALREADY_CANCELLED)
        return redirect(event)
    refusal = event.own_cancel_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(event)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            services.cancel(request, event, registration)
        except AlreadyCancelled:
            messages.info(request, ALREADY_CANCELLED)
        else:
            messages.success(request, "この研修の申込を取り消しました。")
        return redirect(event)
    return render(request, "training/cancel_mine.html", {"event": event, "mine": registration})


@never_cache
@role_required(*MANAGERS)
def attendance(request, pk):
    event = _managed(request, pk)
    form = AttendanceCountsForm(post_data(request), event=event)
    if request.method == "POST" and form.is_valid():
        services.save_attendance(request, event, form)
        messages.success(request, "職種別の参加人数を保存しました。")
        return redirect(f"{event.get_absolute_url()}#attendance")
    return render(request, "training/attendance.html", {"event": event, "form": form})


# Empty lines under the 受付名簿 for the walk-ins written in by hand at the door.
ROSTER_BLANK_LINES = 8


@never_cache
@role_required(*MANAGERS)
def roster_print(request, pk):
    """受付名簿 on A4: the sign-ups still standing in 五十音順 (the order of the door list), with
    a 当日受付 column for ticks by hand (those already checked in marked with the time) and a
    署名 column, and blank lines for walk-ins."""
    event = _managed(request, pk)
    people = in_name_order(
        event.registrations.exclude(status=Registration.Status.CANCELLED).select_related("profession")
    )
    return render(
        request,
        "training/roster_print.html",
        {
            "event": event,
            "people": people,
            "checked_in": sum(1 for r in people if r.checked_in_at),
            "blank_lines": range(len(people) + 1, len(people) + 1 + ROSTER_BLANK_LINES),
            "printed_at": timezone.localtime(),
        },
    )


REGISTRATION_EXPORT_HEADER = [
    "氏名",
    "ふりがな",
    "所属",
    "職種",
    "連絡先メール",
    "状態",
    "当日受付",
    "受付時刻",
    "申込日時",
    "繰り上げ日時",
]


@never_cache
@role_required(*MANAGERS)
def registrations_export(request, pk):
    """The event's registrations with their attendance (CSV or XLSX; the XLSX also has the
    職種別参加人数 with the counts entered by hand and the 合計), in the door list's order (五十音順). Like
    every download it is recorded in the audit log (coordination.security's middleware)."""
    event = _managed(request, pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    registrations = in_name_order(event.registrations.select_related("profession"))
    rows = [
        [
            r.name,
            r.name_kana,
            r.organisation,
            r.profession.name,
            r.email,
            r.get_status_display(),
            r.checked_in_at is not None,
            r.checked_in_at,
            r.created_at,
            r.promoted_at,
        ]
        for r in registrations
    ]
    day = f"{event.day:%Y%m%d}"
    filename = f"参加申込_{day}_{event.title}.{fmt}"
    fallback = f"training-{event.pk}-registrations.{fmt}"
    if fmt == "csv":
        return csv_response(filename, REGISTRATION_EXPORT_HEADER, rows, fallback=fallback)
    attendance = event.attendance_by_profession()
    return xlsx_response(
        filename,
        [
            (
                "参加申込",
                REGISTRATION_EXPORT_HEADER,
                rows,
                {
                    "title_rows": [
                        f"{event.title}（{event.day.year}年{event.day.month}月{event.day.day}日）参加申込と当日受付"
                    ],
                    "widths": [16, 18, 28, 14, 26, 12, 8, 16, 16, 16],
                    "number_formats": {7: "yyyy/mm/dd hh:mm", 8: "yyyy/mm/dd hh:mm", 9: "yyyy/mm/dd hh:mm"},
                },
            ),
            (
                "職種別参加人数",
                ["職種", "人数"],
                [*([name, n] for name, n in attendance), ["合計", sum(n for _, n in attendance)]],
                {
                    "title_rows": [f"{event.title} 職種別参加人数（受付済みと手入力の人数）"],
                    "widths": [20, 8],
                },
            ),
        ],
        fallback=fallback,
    )


@require_POST
@role_required(*MANAGERS)
def add_task(request, pk):
    event = _managed(request, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        task = services.add_task(event, form)
        messages.success(request, f"作業「{task.text}」を追加しました。")
    else:
        errors_to_messages(request, form, "作業")
    return redirect(f"{event.get_absolute_url()}#tasks")


@require_POST
@role_required(*MANAGERS)
def apply_template(request, pk):
    event = _managed(request, pk)
    form = ApplyTemplateForm(request.POST)
    if form.is_valid():
        added = form.cleaned_data["template"].apply_to(event)
        messages.success(
            request, f"ひな形「{form.cleaned_data['template']}」から{added}件の作業を追加しました。"
        )
    else:
        messages.error(request, "ひな形を選んでください。")
    return redirect(f"{event.get_absolute_url()}#tasks")


@require_POST
@role_required(*MANAGERS)
def toggle_task(request, pk, tid):
    event = _managed(request, pk)
    task = get_object_or_404(Task, pk=tid, event=event)
    services.toggle_task(request, task)
    return redirect(f"{event.get_absolute_url()}#task-{task.pk}")


def old_survey_link(request, token):
    """The answer link printed on earlier event sheets (QR codes on paper): the event's survey
    now lives in the survey engine under the same token, so the old address forwards there."""
    return redirect(reverse("surveys:answer_link", args=[token]), permanent=True)


def public(request):
    """キ events for residents: no login, no participant data."""
    events = (
        Event.objects.public().select_related(*EVENT_LIST_RELATED).prefetch_related(*EVENT_SUMMARY_PREFETCH)
    )
    now = timezone.now()
    # Coming and 開催中 above, 終了 below: the split Event.state() makes, each with its badge
    # (with_seats: 満席 is read from the count; no count is shown).
    upcoming = events.not_ended(now).with_seats().order_by("starts_at")
    past = events.ended(now).order_by("-starts_at")
    return render(request, "training/public.html", {"upcoming": upcoming[:50], "past": past[:20]})


@never_cache
@role_required(*HISTORY_READERS)
def history(request):
    user = request.user
    # Officials: every center's aggregates; only events that took place count.
    events = Event.objects.readable_by(user).held()
    item = request.GET.get("item", "")
    if item in Item.values:
        events = events.filter(item=item)
    else:
        item = ""
    # Officials and admins read several centers: one row per 年度 and center by default, the city's
    # total, or one center (the events it held or co-hosted).
    centers = list(visible_centers(user)) if user.role in (Role.ADMIN, Role.OFFICIAL) else []
    center = request.GET.get("center", "") if centers else ""
    by_center = bool(centers) and center == ""
    chosen = None
    if center and center != "total":
        chosen = next((c for c in centers if c.code == center), None)
        if chosen is None:
            raise Http404
        events = events.of_centers([chosen.pk])
    # 区役所 staff read their ward's centers only: their rows and total are the ward's, not the city's.
    ward = user.ward if user.role == Role.OFFICIAL and user.ward_id else None
    table, professions = yearly_history(
        events, by_center=by_center, center_ids={c.pk for c in centers} if ward else None
    )
    supporter_courses, supporters = supporters_by_year(events, _supporter_counts(user, chosen))
    if request.GET.get("format") == "xlsx":
        return _history_xlsx(table, professions, item, by_center, chosen)
    if request.GET.get("format"):
        raise PermissionDenied
    return render(
        request,
        "training/history.html",
        {
            "table": table,
            "professions": professions,
            "item": item,
            "items": Item.choices,
            "centers": centers,
            "center": center,
            "by_center": by_center,
            "total_label": f"{ward.name}の合計" if ward else "市全体（合計）",
            "supporter_courses": supporter_courses,
            "supporters": supporters,
        },
    )


def _supporter_counts(user, chosen):
    """The hand-entered supporter numbers the reader's history adds: one center's when a center
    is chosen, else those of the centers the user reads, and the city's own rows for those who
    read the whole city (admins, officials without a ward)."""
    counts = SupporterCount.objects.all()
    if chosen is not None:
        return counts.filter(center=chosen)
    centers = visible_centers(user)
    whole_city = user.role == Role.ADMIN or (user.role == Role.OFFICIAL and not user.ward_id)
    return (
        counts.filter(Q(center__in=centers) | Q(center__isnull=True))
        if whole_city
        else counts.filter(center__in=centers)
    )


def _history_xlsx(table, professions, item, by_center=False, chosen=None):
    label = dict(Item.choices).get(item, "カ・キ すべて") + (f"・{chosen.name}" if chosen else "")
    lead = ["年度", "センター"] if by_center else ["年度"]

    def first(r):
        return [r["label"], r["center"].name if r["center"] else ""] if by_center else [r["label"]]

    return xlsx_response(
        f"研修・普及啓発の実績_{label}.xlsx",
        [
            (
                "年度別実績",
                [*lead, "開催数", "参加団体数", "内容", "参加人数"],
                [[*first(r), r["events"], r["organisations"], r["formats"], r["people"]] for r in table],
                {
                    "title_rows": [f"研修・普及啓発の実績（{label}）"],
                    "widths": [24, *([20] if by_center else []), 8, 10, 50, 10],
                },
            ),
            (
                "職種別参加人数",
                [*lead, *[p.name for p in professions], "合計"],
                [[*first(r), *r["by_profession"], r["people"]] for r in table],
                {
                    "title_rows": [f"職種別参加人数（{label}）"],
                    "widths": [24, *([20] if by_center else [])] + [10] * (len(professions) + 1),
                },
            ),
        ],
        fallback=f"training-history{'-' + item if item else ''}.xlsx",
    )
