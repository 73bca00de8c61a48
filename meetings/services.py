"""The writes of meetings, 課題 and 解決策 (one function each, atomic, with its audit entry), and
the views across meetings, 課題, 解決策 and training events: an organisation's 「連携の歩み」 and
the 年度 summary, each in a fixed number of queries whatever the number of rows.

Forms only validate; views call the functions here. Meetings and 課題 carry no client's personal
data, so their audit entries keep the changed values."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from coordination import dates
from coordination.security import CREATE, DELETE, UPDATE, audit, changed_fields
from meetings.models import (
    IssueStatus,
    IssueStatusChange,
    ItemTarget,
    Meeting,
    MeetingAttendance,
    Solution,
    Tier,
)
from training.models import Event

# --- writes -------------------------------------------------------------------------------------


def save_owned(request, form, detail=""):
    """A meeting, a 会議体 (series) or a 課題/解決策 without further effects: created or updated
    from its valid CenterOwnedForm."""
    with transaction.atomic():
        creating = form.instance.pk is None
        obj = form.save_for(request.user)
        audit(request, CREATE if creating else UPDATE, obj, detail if creating else changed_fields(form))
    return obj


def save_attendance(request, meeting, form):
    """The attendance by profession of a valid MeetingAttendanceForm, replacing the earlier counts."""
    with transaction.atomic():
        MeetingAttendance.objects.filter(meeting=meeting).delete()
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, profession=p, count=n) for p, n in form.counts().items()
        )
        audit(request, UPDATE, meeting, "出席人数: " + changed_fields(form))


def save_issue(request, form, detail=""):
    """A 課題 from a valid IssueForm; a new one starts its dated status history (提起)."""
    with transaction.atomic():
        creating = form.instance.pk is None
        issue = form.save_for(request.user)
        if creating:
            issue.status_changes.create(
                status=issue.status, changed_on=issue.raised_on, note=issue.RAISED_NOTE, by=request.user
            )
        elif "raised_on" in form.changed_data:  # the raising step is dated by the 提起日
            issue.status_changes.filter(pk=issue.raising_step_id()).update(changed_on=issue.raised_on)
        audit(request, CREATE if creating else UPDATE, issue, detail if creating else changed_fields(form))
    return issue


def change_issue_status(request, issue, status, on, note=""):
    """A dated status change of a 課題 (the history the lineage shows)."""
    with transaction.atomic():
        change = issue.change_status(status, on, note, request.user)
        audit(request, UPDATE, issue, f"状態: {issue.get_status_display()}（{on}）")
    return change


def undo_status_step(request, issue):
    """Takes back the 課題's latest status step (not its raising): the 課題 returns to the state
    of the step before it. Returns the step taken back, or None when there is none."""
    with transaction.atomic():
        step = issue.last_undoable_step()
        if step is None:
            return None
        step.delete()
        before = issue.status_changes.order_by("-changed_on", "-pk").first()
        issue.status = before.status if before else IssueStatus.NEW
        issue.save(update_fields=["status"])
        audit(
            request,
            UPDATE,
            issue,
            f"経過を取り消し: {step.changed_on}「{step.get_status_display()}」→ 状態は「{issue.get_status_display()}」",
        )
    return step


def save_solution(request, form):
    """A 解決策 from a valid SolutionForm. A 課題 whose 解決策 was carried out (at a meeting or a
    training event) moves on from 未着手/検討中 to 解決策実施中, dated by the first of those."""
    with transaction.atomic():
        creating = form.instance.pk is None
        solution = form.save_for(request.user)
        # Only what has taken place: a training chosen ahead of its day moves nothing yet (the 年度
        # summary counts it as carried out from its day on).
        today = timezone.localdate()
        carried_out = [
            day
            for day in [m.held_on for m in form.cleaned_data.get("meetings") or []]
            + [e.day for e in form.cleaned_data.get("events") or []]
            if day <= today
        ]
        if carried_out:
            for issue in solution.issues.filter(status__in=[IssueStatus.NEW, IssueStatus.REVIEWING]):
                issue.change_status(
                    IssueStatus.IN_PROGRESS,
                    min(carried_out),
                    f"解決策「{solution.title}」を実施",
                    request.user,
                )
        audit(request, CREATE if creating else UPDATE, solution, "" if creating else changed_fields(form))
    return solution


# --- views across models ------------------------------------------------------------------------


def organisation_timeline(organisation, meetings, issues, events):
    """「連携の歩み」 of one organisation, like 釜石市's 薬剤師会 and 歯科 tables: per 年度, the
    一次/二次/三次 entries (its own meetings, and meetings or training events that carried out a
    解決策 for one of its 課題) with the 課題 labels each touched, and in `acts` what happened to
    them there (提起, 協議, or which 解決策 was carried out).

    `meetings`, `issues` and `events` are querysets already limited to what the user may see.
    Returns (issues of the organisation, [{"year", "label", "entries": [...]}])."""
    own_issues = list(issues.filter(organisation=organisation).order_by("label"))
    labels = {i.pk: i.label for i in own_issues}
    ids = list(labels)
    # ("m"|"e", pk) → what happened there to the organisation's 課題: raised (提起), discussed
    # (協議), or a 解決策 carried out (実施), so that a line can say which, not only the labels.
    raised, discussed = defaultdict(set), defaultdict(set)
    carried_out = defaultdict(dict)  # key → {solution title: labels}
    for issue in own_issues:
        if issue.raised_at_meeting_id:
            raised[("m", issue.raised_at_meeting_id)].add(labels[issue.pk])
    for meeting_id, issue_id in Meeting.issues_discussed.through.objects.filter(issue_id__in=ids).values_list(
        "meeting_id", "issue_id"
    ):
        discussed[("m", meeting_id)].add(labels[issue_id])
    solution_issues = defaultdict(set)
    for solution_id, issue_id in Solution.issues.through.objects.filter(issue_id__in=ids).values_list(
        "solution_id", "issue_id"
    ):
        solution_issues[solution_id].add(labels[issue_id])
    for kind, through, column in (
        ("m", Solution.meetings.through, "meeting_id"),
        ("e", Solution.events.through, "event_id"),
    ):
        for solution_id, pk, title in (
            through.objects.filter(solution_id__in=solution_issues)
            .order_by("solution_id")
            .values_list("solution_id", column, "solution__title")
        ):
            carried_out[(kind, pk)].setdefault(title, set()).update(solution_issues[solution_id])
    touched = defaultdict(set)
    for found in (raised, discussed):
        for key, found_labels in found.items():
            touched[key] |= found_labels
    for key, by_solution in carried_out.items():
        for found_labels in by_solution.values():
            touched[key] |= found_labels

    def acts(key):
        """The line's 課題, in the order things happen to one: raised, discussed, carried out."""
        lines = []
        if raised.get(key):
            lines.append({"kind": "raised", "what": "提起", "labels": sorted(raised[key])})
        if discussed.get(key):
            lines.append({"kind": "discussed", "what": "協議", "labels": sorted(discussed[key])})
        for title, found_labels in carried_out.get(key, {}).items():
            lines.append(
                {
                    "kind": "carried_out",
                    "what": "解決策を実施",
                    "solution": title,
                    "labels": sorted(found_labels),
                }
            )
        return lines

    meeting_ids = {pk for kind, pk in touched if kind == "m"}
    rows = (
        meetings.filter(Q(organisations=organisation) | Q(pk__in=meeting_ids))
        .distinct()
        .select_related("kind", "center")
        .prefetch_related("organisations")
        .order_by("held_on", "start_time", "pk")
    )
    entries = []
    for m in rows:
        partners = [o.name for o in m.organisations.all() if o.pk != organisation.pk]
        entries.append(
            {
                "date": m.held_on,
                "planned": m.is_planned,
                "tier": m.get_tier_display(),
                "tier_value": m.tier,
                "what": m.display_title,
                "partners": partners,
                "labels": sorted(touched.get(("m", m.pk), ())),
                "acts": acts(("m", m.pk)),
                "meeting": m,
                "event": None,
                # Whose record it is: readers of several centers see two centers' meetings of the
                # same name as two rows, and need to tell them apart.
                "owner": m.center.name if m.center_id else "市",
            }
        )
    event_ids = {pk for kind, pk in touched if kind == "e"}
    for e in (
        events.filter(Q(organisations=organisation) | Q(pk__in=event_ids))
        .distinct()
        .select_related("center")
        .order_by("starts_at", "pk")
    ):
        entries.append(
            {
                "date": timezone.localtime(e.starts_at).date(),
                "planned": e.starts_at > timezone.now(),
                "tier": "研修",
                "tier_value": 0,
                "what": e.title,
                "partners": [],
                "labels": sorted(touched.get(("e", e.pk), ())),
                "acts": acts(("e", e.pk)),
                "meeting": None,
                "event": e,
                "owner": e.center.name,
            }
        )
    entries.sort(key=lambda x: x["date"])
    years = defaultdict(list)
    for entry in entries:
        years[dates.fiscal_year(entry["date"])].append(entry)
    for issue in own_issues:
        years.setdefault(dates.fiscal_year(issue.raised_on), [])
    table = [
        {
            "year": y,
            "label": dates.fiscal_year_label(y),
            "entries": years[y],
            "raised": [i.label for i in own_issues if dates.fiscal_year(i.raised_on) == y],
        }
        for y in sorted(years)
    ]
    return own_issues, table


def fiscal_year_summary(year, meetings, issues, solutions=None, events=None):
    """For one 年度: meetings per tier and kind and the list of them, 課題 raised and 課題 solved
    (a status change to 解決 dated in the year), and the 解決策 carried out in the year (at one of
    these meetings or at one of these training events held in it). Each part is one query (two
    or three with its prefetches), however many rows the year holds."""
    span = dates.fiscal_year_range(year)
    in_year = meetings.filter(held_on__range=span).held()
    meeting_list = list(
        in_year.select_related("kind", "center")
        .prefetch_related("organisations")
        .annotate(attendees=Sum("attendance__count"))
        .order_by("held_on", "start_time", "pk")
    )
    by_tier_kind = list(
        in_year.values("tier", "kind__name", "kind__sort_order")
        .annotate(n=Count("id"))
        .order_by("tier", "kind__sort_order")
    )
    tiers = {value: label for value, label in Tier.choices}
    counts = [{"tier": tiers[r["tier"]], "kind": r["kind__name"], "n": r["n"]} for r in by_tier_kind]
    tier_totals = {label: 0 for label in tiers.values()}
    for r in counts:
        tier_totals[r["tier"]] += r["n"]
    # The table as it reads: each 段階's kinds, then its 小計 (a 段階 without meetings says 0).
    rows = []
    for label, total in tier_totals.items():
        rows += [{**r, "subtotal": False} for r in counts if r["tier"] == label]
        rows.append({"tier": label, "kind": "小計", "n": total, "subtotal": True})
    raised = list(issues.filter(raised_on__range=span).select_related("organisation", "profession", "center"))
    solved_changes = IssueStatusChange.objects.filter(
        issue__in=issues, status=IssueStatus.SOLVED, changed_on__range=span
    ).select_related("issue__organisation", "issue__profession", "issue__center")
    solved, seen = [], set()
    for change in solved_changes:
        if change.issue_id not in seen:
            seen.add(change.issue_id)
            solved.append((change.changed_on, change.issue))
    return {
        "year": year,
        "label": dates.fiscal_year_label(year),
        "meetings": meeting_list,
        # Entered ahead of their day: named apart, not counted (see MeetingQuerySet.held).
        "planned": meetings.filter(held_on__range=span).planned().count(),
        "solutions": _solutions_carried_out(year, in_year, solutions, events),
        "counts": counts,
        "rows": rows,
        "tier_totals": tier_totals,
        "total": sum(tier_totals.values()),
        "raised": raised,
        "solved": solved,
        **_open_at(year, issues),
    }


def _open_at(year, issues):
    """The 課題 still open at the end of the 年度, or today while it runs (a city's 年度末未解決):
    raised by then and not 解決 by then, whatever year they were raised in. Each comes with its
    state on that day (its last dated step by then) beside its state now, since one solved or
    put on hold later was still open at the 年度末. One query."""
    start, end = dates.fiscal_year_range(year)
    today = dates.today()
    as_of = min(end, today)
    if as_of < start:  # a 年度 still to come has no end state yet
        return {"open": [], "open_as_of": None, "open_running": False, "open_carried_over": 0}
    step_then = (
        IssueStatusChange.objects.filter(issue=OuterRef("pk"), changed_on__lte=as_of)
        .order_by("-changed_on", "-pk")
        .values("status")[:1]
    )
    candidates = (
        issues.filter(raised_on__lte=as_of)
        .filter(
            ~Q(status=IssueStatus.SOLVED)
            | Exists(
                IssueStatusChange.objects.filter(
                    issue=OuterRef("pk"), status=IssueStatus.SOLVED, changed_on__gt=as_of
                )
            )
        )
        .annotate(
            status_then=Subquery(step_then),
            has_steps=Exists(IssueStatusChange.objects.filter(issue=OuterRef("pk"))),
        )
        .select_related("organisation", "profession", "center")
        .order_by("raised_on", F("center__code").asc(nulls_last=True), "label", "pk")
    )
    labels = dict(IssueStatus.choices)
    rows = []
    for issue in candidates:
        # No step by then: one without any history is taken as it is now; one whose first step
        # came later (a 提起日 moved back) had not yet been acted on.
        then = issue.status_then or (IssueStatus.NEW if issue.has_steps else issue.status)
        if then == IssueStatus.SOLVED:
            continue  # solved by then, reopened since
        issue.status_then_display = labels[then]
        rows.append(issue)
    return {
        "open": rows,
        "open_as_of": as_of,
        "open_running": as_of < end,
        "open_carried_over": sum(1 for i in rows if i.raised_on < start),
    }


def _solutions_carried_out(year, in_year, solutions, events):
    """[(解決策, [(date, 'meeting' or 'event', meeting or event)])]: the 解決策 carried out at a
    meeting of `in_year` or an event of `events` that started in the 年度, each with those
    occasions in date order; the list in the order they were first carried out."""
    first, after = dates.day_bounds(*dates.fiscal_year_range(year))
    events_in_year = (
        (Event.objects.all() if events is None else events)
        .filter(starts_at__gte=first, starts_at__lt=after)
        .held()
    )
    at_meeting = Solution.meetings.through.objects.filter(meeting__in=in_year).values("solution_id")
    at_event = Solution.events.through.objects.filter(event__in=events_in_year).values("solution_id")
    rows = []
    for solution in (
        (Solution.objects.all() if solutions is None else solutions)
        .filter(Q(pk__in=at_meeting) | Q(pk__in=at_event))
        .select_related("center")
        .prefetch_related(
            "issues",
            Prefetch("meetings", queryset=in_year.select_related("kind"), to_attr="meetings_in_year"),
            Prefetch("events", queryset=events_in_year, to_attr="events_in_year"),
        )
    ):
        occasions = [(m.held_on, "meeting", m) for m in solution.meetings_in_year] + [
            (timezone.localtime(e.starts_at).date(), "event", e) for e in solution.events_in_year
        ]
        occasions.sort(key=lambda o: o[0])
        rows.append((solution, occasions))
    rows.sort(key=lambda r: (r[1][0][0], r[0].pk))
    return rows


def save_targets(request, fiscal_year, ward, formset, narrative_form):
    """The 年度's 計画値 of the city or one ward from a valid TargetFormSet (a blank row removes
    its target) and the 取組事例's written sections from a valid NarrativeForm, in one transaction;
    each target created, changed or removed and the changed sections get their audit entry.
    Returns the number of targets changed."""
    changed = 0
    with transaction.atomic():
        existing = {
            (t.item, t.measure): t
            for t in ItemTarget.objects.select_for_update().filter(
                fiscal_year=fiscal_year, center=None, ward=ward
            )
        }
        for form in formset:
            data = form.cleaned_data
            target = existing.get((data["item"], data["measure"]))
            planned, note = data.get("planned"), data.get("note", "")
            if planned is None:
                if target is not None:
                    audit(request, DELETE, target, f"計画値: {target.planned} → （なし）")
                    target.delete()
                    changed += 1
            elif target is None:
                target = ItemTarget.objects.create(
                    fiscal_year=fiscal_year,
                    item=data["item"],
                    measure=data["measure"],
                    ward=ward,
                    planned=planned,
                    note=note,
                )
                audit(request, CREATE, target, f"計画値: {planned}")
                changed += 1
            elif (target.planned, target.note) != (planned, note):
                detail = f"計画値: {target.planned} → {planned}"
                if target.note != note:
                    detail += f"\nメモ: {target.note} → {note}"
                target.planned, target.note = planned, note
                target.save(update_fields=["planned", "note"])
                audit(request, UPDATE, target, detail)
                changed += 1
        if narrative_form.has_changed():
            creating = narrative_form.instance.pk is None
            narrative = narrative_form.save(commit=False)
            narrative.fiscal_year, narrative.ward = fiscal_year, ward
            narrative.save()
            audit(request, CREATE if creating else UPDATE, narrative, changed_fields(narrative_form))
    return changed
