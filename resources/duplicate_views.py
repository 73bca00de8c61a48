"""重複の可能性 (admins): the pairs to decide, and the pairs dismissed as 「重複ではない」. The rules
and the decisions are resources.duplicates'."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from coordination.access import role_required
from coordination.models import Role
from resources import duplicates as rules
from resources.models import DuplicateDismissal

LIMIT = 200


def _id(request, name):
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404


def _named(facility):
    """「名称」（種別・番号）: the two of a pair have nearly the same name, so the message says which."""
    return f"「{facility.name}」（{facility.kind.name}・{facility.code or '番号なし'}）"


@role_required(Role.ADMIN)
def duplicates(request):
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "keep":
                kept, other = rules.keep_one(request, _id(request, "keep"), _id(request, "other"))
                messages.success(request, f"{_named(other)}を廃止し、{_named(kept)}に統合しました。")
            else:
                dismissal = rules.dismiss(request, _id(request, "first"), _id(request, "second"))
                messages.success(
                    request,
                    f"「{dismissal.first.name}」と「{dismissal.second.name}」を重複ではないとしました。",
                )
        except rules.StalePair as refused:
            messages.warning(request, refused.message)
        return redirect("resources:duplicates")
    pairs = rules.find_pairs(limit=LIMIT)
    return render(request, "resources/duplicates.html", {"pairs": pairs, "limit": LIMIT})


@role_required(Role.ADMIN)
def dismissed(request):
    """The pairs admins judged 「重複ではない」, newest first: each can be proposed again."""
    if request.method == "POST":
        dismissal = get_object_or_404(
            DuplicateDismissal.objects.select_related("first", "second"), pk=_id(request, "dismissal")
        )
        rules.restore(request, dismissal)
        messages.success(
            request, f"「{dismissal.first.name}」と「{dismissal.second.name}」を重複の可能性に戻しました。"
        )
        return redirect("resources:duplicates_dismissed")
    rows = DuplicateDismissal.objects.select_related("first__kind", "second__kind", "dismissed_by")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # The same template as the pairs, in its other mode (the page's heading and table).
    return render(request, "resources/duplicates.html", {"page_obj": page, "dismissals": page.object_list})
