"""Community resources' own pages: the residents' listing with a map and large type, the A4 list of
a 圏域 for a 民生委員's visit, and the form coordinators and 生活支援コーディネーター edit them with.
The directory's search (views.search, ?mode=community) and facility page serve them too."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coordination.access import community_area_ids, community_editor_required
from coordination.forms import as_stored, errors_to_messages
from coordination.models import Area
from coordination.security import CREATE, UPDATE, audit
from resources import community, recurrence
from resources.models import Facility, FacilityKind
from resources.updates import SendingCenters

LISTING_LIMIT = 300


def _chosen(request, name, queryset):
    """The object a GET parameter names, or None when it is absent or not a valid choice (the
    residents' pages never answer a mistyped link with an error)."""
    value = request.GET.get(name, "")
    if not value.isdigit() or int(value) > 2**62:
        return None
    return queryset.filter(pk=int(value)).first()


def _listing(request):
    """The community resources the residents' pages show: open ones, of the chosen area and kind,
    each with its next date (Asia/Tokyo), soonest first; only public contacts."""
    today = recurrence.today()
    kinds = list(FacilityKind.objects.filter(group=FacilityKind.Group.COMMUNITY))
    area = _chosen(request, "area", Area.objects.all())
    kind = next((k for k in kinds if str(k.pk) == request.GET.get("kind")), None)
    queryset = (
        Facility.objects.open()
        .community([k.pk for k in kinds])
        .select_related("kind", "area", "community")
        .prefetch_related("community__rules")
    )
    if area:
        queryset = queryset.in_area(area)
    if kind:
        queryset = queryset.filter(kind=kind)
    this_week = request.GET.get("this_week") == "on"
    week = recurrence.rest_of_week(today)
    if this_week:
        queryset = queryset.meeting_between(*week)
    facilities = list(queryset[: LISTING_LIMIT + 1])
    centers = SendingCenters()  # read once, and only when a contact is not public
    for facility in facilities:
        activity = getattr(facility, "community", None)
        facility.next_date = activity.next_date(today) if activity else None
        if not (activity and activity.contact_public and activity.contact_phone):
            facility.answering_center = centers.for_area(facility.area_id)
    facilities.sort(key=lambda f: (f.next_date is None, f.next_date or today, f.name_kana, f.name))
    return {
        "facilities": facilities[:LISTING_LIMIT],
        "truncated": len(facilities) > LISTING_LIMIT,
        "kinds": kinds,
        "kind": kind,
        "area": area,
        "areas": [(a, "\u3000" * depth + a.name) for a, depth in Area.tree()],
        "this_week": this_week,
        "today": today,
        "week": week,
        "query_string": request.GET.urlencode(),
    }


def listing(request):
    """「地域の活動」 for residents: large type, a map, the next dates; public contacts only."""
    return render(request, "resources/community_list.html", _listing(request))


def print_list(request):
    """A 圏域's community resources on A4 (for a 民生委員's visit): schedule, next dates, public
    contacts only, since the sheet is handed to residents."""
    context = _listing(request)
    today = context["today"]
    end = today + datetime.timedelta(days=27)
    for facility in context["facilities"]:
        activity = getattr(facility, "community", None)
        facility.coming_dates = activity.dates_between(today, end) if activity else []
    context.update(printed_at=timezone.localtime(), coming_until=end)
    return render(request, "resources/community_print.html", context)


@community_editor_required
def edit(request, pk=None):
    """Add or edit a community resource. A 生活支援コーディネーター edits those of its 圏域 only
    (another one answers 404) and adds them there; coordinators and admins edit every one."""
    area_ids = community_area_ids(request.user)
    facility = None
    if pk is not None:
        facility = get_object_or_404(
            Facility.objects.community_editable_by(request.user).select_related("community"), pk=pk
        )
    stored = as_stored(facility)
    forms = community.forms_for(request.POST or None, facility, area_ids)
    if request.method == "POST" and community.all_valid(*forms):
        created = facility is None
        facility = community.save_community(request.user, *forms)
        audit(request, CREATE if created else UPDATE, facility, "地域の活動")
        messages.success(request, f"「{facility.name}」を保存しました。")
        return redirect(facility)
    facility_form, activity_form, rules = forms
    return render(
        request,
        "resources/community_form.html",
        {
            "facility": stored,
            "facility_form": facility_form,
            "activity_form": activity_form,
            "rules": rules,
        },
    )


@require_POST
@community_editor_required
def end(request, pk):
    """「活動の終了を記録する」 from the resource's page (its editors only; another 圏域's: 404)."""
    facility = get_object_or_404(Facility.objects.community_editable_by(request.user).open(), pk=pk)
    form = community.EndActivityForm(request.POST)
    if form.is_valid():
        community.end_activity(request, facility, form.cleaned_data["closed_on"])
        messages.success(request, f"「{facility.name}」の終了を記録しました。一覧と検索には出なくなります。")
    else:
        errors_to_messages(request, form, "活動の終了")
    return redirect(facility)


@require_POST
@community_editor_required
def resume(request, pk):
    """「終了を取り消す」: an end recorded by mistake, or the activity started again."""
    facility = get_object_or_404(
        Facility.objects.community_editable_by(request.user).filter(closed_on__isnull=False), pk=pk
    )
    community.resume_activity(request, facility)
    messages.success(request, f"「{facility.name}」の終了を取り消しました。一覧と検索にまた出ます。")
    return redirect(facility)


def dashboard_panel(request):
    """The home's 「地域の活動」 block: for a 生活支援コーディネーター its 圏域's resources with their
    next dates and the ones not confirmed for a year; for coordinators and admins the links."""
    user = request.user
    area_ids = community_area_ids(user)
    if area_ids is None:
        return {"community_area": None, "community_rows": None}
    area = Area.objects.filter(pk=user.ward_id).first()
    today = recurrence.today()
    rows = list(
        Facility.objects.open()
        .community()
        .filter(area_id__in=area_ids)
        .select_related("kind", "community")
        .prefetch_related("community__rules")[:50]
    )
    for facility in rows:
        activity = getattr(facility, "community", None)
        facility.next_date = activity.next_date(today) if activity else None
    rows.sort(key=lambda f: (f.next_date is None, f.next_date or today, f.name))
    return {"community_area": area, "community_rows": rows}
