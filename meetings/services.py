"""Views across meetings, 課題, 解決策 and training events: an organisation's 「連携の歩み」 and the
年度 summary. Each runs a fixed number of queries whatever the number of rows."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from coordination import dates
from meetings.models import IssueStatus, IssueStatusChange, Meeting, Solution, Tier


def organisation_timeline(organisation, meetings, issues, events):
    """「連携の歩み」 of one organisation, like 釜石市's 薬剤師会 and 歯科 tables: per 年度, the
    一次/二次/三次 entries (its own meetings, and meetings or training events that carried out a
    解決策 for one of its 課題) with the 課題 labels each touched.

    `meetings`, `issues` and `events` are querysets already limited to what the user may see.
    Returns (issues of the organisation, [{"year", "label", "entries": [...]}])."""
    own_issues = list(issues.filter(organisation=organisation).order_by("label"))
    labels = {i.pk: i.label for i in own_issues}
    ids = list(labels)
    touched = defaultdict(set)  # ("m"|"e", pk) → labels
    for issue in own_issues:
        if issue.raised_at_meeting_id:
            touched[("m", issue.raised_at_meeting_id)].add(labels[issue.pk])
    for meeting_id, issue_id in Meeting.issues_discussed.through.objects.filter(issue_id__in=ids).values_list(
        "meeting_id", "issue_id"
    ):
        touched[("m", meeting_id)].add(labels[issue_id])
    solution_issues = defaultdict(set)
    for solution_id, issue_id in Solution.issues.through.objects.filter(issue_id__in=ids).values_list(
        "solution_id", "issue_id"
    ):
        solution_issues[solution_id].add(labels[issue_id])
    for solution_id, meeting_id in Solution.meetings.through.objects.filter(
        solution_id__in=solution_issues
    ).values_list("solution_id", "meeting_id"):
        touched[("m", meeting_id)] |= solution_issues[solution_id]
    for solution_id, event_id in Solution.events.through.objects.filter(
        solution_id__in=solution_issues
    ).values_list("solution_id", "event_id"):
        touched[("e", event_id)] |= solution_issues[solution_id]

    meeting_ids = {pk for kind, pk in touched if kind == "m"}
    rows = (
        meetings.filter(Q(organisations=organisation) | Q(pk__in=meeting_ids))
        .distinct()
        .select_related("kind")
        .prefetch_related("organisations")
        .order_by("held_on", "start_time", "pk")
    )
    entries = []
    for m in rows:
        partners = [o.name for o in m.organisations.all() if o.pk != organisation.pk]
        entries.append(
            {
                "date": m.held_on,
                "tier": m.get_tier_display(),
                "tier_value": m.tier,
                "what": m.display_title,
                "partners": partners,
                "labels": sorted(touched.get(("m", m.pk), ())),
                "meeting": m,
                "event": None,
            }
        )
    event_ids = {pk for kind, pk in touched if kind == "e"}
    for e in (
        events.filter(Q(organisations=organisation) | Q(pk__in=event_ids))
        .distinct()
        .order_by("starts_at", "pk")
    ):
        entries.append(
            {
                "date": timezone.localtime(e.starts_at).date(),
                "tier": "研修",
                "tier_value": 0,
                "what": e.title,
                "partners": [],
                "labels": sorted(touched.get(("e", e.pk), ())),
                "meeting": None,
                "event": e,
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


def fiscal_year_summary(year, meetings, issues):
    """For one 年度: meetings per tier and kind, 課題 raised and 課題 solved (a status change to
    解決 dated in the year)."""
    span = dates.fiscal_year_range(year)
    in_year = meetings.filter(held_on__range=span)
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
    raised = list(issues.filter(raised_on__range=span).select_related("organisation", "profession"))
    solved_changes = IssueStatusChange.objects.filter(
        issue__in=issues, status=IssueStatus.SOLVED, changed_on__range=span
    ).select_related("issue__organisation", "issue__profession")
    solved, seen = [], set()
    for change in solved_changes:
        if change.issue_id not in seen:
            seen.add(change.issue_id)
            solved.append((change.changed_on, change.issue))
    return {
        "year": year,
        "label": dates.fiscal_year_label(year),
        "counts": counts,
        "tier_totals": tier_totals,
        "total": sum(tier_totals.values()),
        "raised": raised,
        "solved": solved,
    }
