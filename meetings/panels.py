"""What meetings contributes to pages of earlier apps: the consultation page (raise a 課題 from
it) and the training event page (the 解決策 it carried out)."""

from django.db.models import Count

from coordination import dates
from meetings.models import Issue, IssueStatus, Solution


def consultation_issues(request, consultation):
    return {
        "consultation": consultation,
        "issues": list(
            Issue.objects.for_user(request.user)
            .filter(raised_from_consultation=consultation)
            .select_related("organisation", "profession")
        ),
    }


def event_solutions(request, event):
    return {
        "event": event,
        "solutions": list(
            Solution.objects.for_user(request.user).filter(events=event).prefetch_related("issues")
        ),
    }


def issue_counts(request):
    """The 課題 register at a glance: how many per status (the user's center, or all for officials)."""
    counts = dict(
        Issue.objects.for_user(request.user).order_by().values_list("status").annotate(n=Count("id"))
    )
    return {"counts": [(value, label, counts.get(value, 0)) for value, label in IssueStatus.choices]}


def evaluation_links(request):
    """The 事業評価 of this 年度 and the last from an official's home (no query: links only)."""
    this = dates.fiscal_year(dates.today())
    return {
        "fiscal_year": this,
        "fiscal_year_label": dates.fiscal_year_label(this),
        "last_fiscal_year": this - 1,
        "last_fiscal_year_label": dates.fiscal_year_label(this - 1),
    }
