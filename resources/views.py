from urllib.parse import quote, urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from coordination.access import can_edit_directory, role_required, sees_professional_fields
from coordination.exports import csv_response, xlsx_response
from coordination.extensions import annotations as slot_annotations
from coordination.extensions import carried as slot_carried
from coordination.extensions import panels as slot_panels
from coordination.forms import as_stored
from coordination.models import DIRECTORY_EDITORS, Role
from coordination.security import CREATE, UPDATE, audit, changed_fields
from resources import community, extensions, filters, recurrence, updates
from resources.closures import mark_closed
from resources.exporting import community_export_rows, export_rows, window_lines
from resources.filters import FacilityFilter
from resources.forms import FacilityForm
from resources.models import (
    CommunityActivity,
    ContactWindow,
    Facility,
    FacilityKind,
    Vacancy,
)
from resources.search import DirectoryPaginator
from resources.updates import SendingCenters
from resources.windows import windows_formset

PAGE_SIZE = 20
PRINT_LIMIT = 500
EXPORT_LIMIT = 50_000


def _filtered(request, queryset=None, professional=None):
    """The search's filterset and its results for the print and the exports. `professional`: whether
    the professionals-only filters and contacts apply (default: whether the user sees them)."""
    if professional is None:
        professional = sees_professional_fields(request.user)
    queryset = Facility.objects.for_listing() if queryset is None else queryset
    if professional:
        queryset = queryset.prefetch_related("contact_windows")
    return _filter(request, queryset, public=not professional)


def _filter(request, queryset, public=False):
    """`public`: filter as for a visitor who is not signed in (the professionals-only filters
    ★ 今電話できる and 新規受入可 left out), whoever asks."""
    user = None if public else request.user
    filterset = FacilityFilter(request.GET or None, queryset=queryset, user=user)
    if filterset.community:
        filterset.queryset = filterset.queryset.select_related("community").prefetch_related(
            "community__rules"
        )
    valid = filterset.is_bound and filterset.is_valid()
    return filterset, (filterset.qs if valid else filterset.side(filterset.queryset)), valid


# The columns the result list shows (templates/resources/_search_body.html), and name_kana that
# orders it: a page reads these and nothing else.
LIST_FIELDS = (
    "kind_id",
    "area_id",
    "name",
    "name_kana",
    "address",
    "phone",
    "fax",
    "latitude",
    "longitude",
    "confirmed_on",
)
PROFESSIONAL_LIST_FIELDS = ("direct_phone", "accepting", "accepting_stated_on")


def search(request):
    pro = sees_professional_fields(request.user)
    moment = filters.now()  # through the module: tests freeze it
    # The page's rows carry their capabilities' ids and, for professionals, whether they can be
    # called now; kinds, areas and capabilities are named from the lookups the page reads anyway
    # (LookupNames), so the list costs the page's one query.
    queryset = Facility.objects.with_capability_ids()
    if request.GET.get("mode") != filters.COMMUNITY:  # that side's rows come with their activity
        queryset = queryset.only(*LIST_FIELDS, *(PROFESSIONAL_LIST_FIELDS if pro else ()))
    if pro:
        queryset = queryset.with_callable_now(moment)
    filterset, queryset, valid = _filter(request, queryset)
    rows = filterset.ordered(filterset.queryset)  # what each row carries, for the page's ids
    page = DirectoryPaginator(queryset, PAGE_SIZE, rows=rows).get_page(request.GET.get("page"))
    names = filterset.names
    kinds = {pk: name for pk, name, *_ in names.kinds()}
    areas = {area.pk: area.name for area in names.areas}
    capabilities = {str(pk): name for pk, name, *_ in names.capabilities()}
    order = {str(pk): index for index, (pk, *_) in enumerate(names.capabilities())}
    today = recurrence.today()
    # What each row shows, worked out here once rather than by tags and filters in the row's
    # template: the list renders on every search. The detail link is the URL of a placeholder pk
    # split around it (one reverse for the page, not one per row).
    href_head, href_tail = reverse("resources:detail", args=[0]).rsplit("0", 1)
    # Each link carries this search (`back`), so that the facility's page offers 「検索結果に戻る」
    # to the same results and page.
    href_tail += "?back=" + quote(request.get_full_path(), safe="/")
    stale_before = Facility.stale_before()
    # Later apps' lines on a row (rota: a hospital's backup beds, for professionals and staff),
    # asked once for the page's rows; the medical side's only, like the panels.
    notes = (
        {}
        if filterset.community
        else slot_annotations("search_results", request, (f.pk for f in page.object_list))
    )
    for facility in page.object_list:
        facility.annotations = notes.get(facility.pk, ())
        facility.kind_name, facility.area_name = kinds.get(facility.kind_id, ""), areas.get(facility.area_id)
        facility.href = f"{href_head}{facility.pk}{href_tail}"
        stale = facility.stale_as_of(stale_before)
        facility.stale = ("1年以上未確認" if facility.confirmed_on else "未確認") if stale else ""
        distance = facility.distance_km
        facility.distance = None if distance is None else floatformat(distance, 1)
        if pro:
            facility.accepting_text = _accepting_text(facility)
        ids = sorted(facility.capability_ids.split(","), key=order.get) if facility.capability_ids else ()
        facility.capability_names = [capabilities[pk] for pk in ids if pk in capabilities]
        facility.callable_now = bool(pro and facility.callable_now)
        if facility.has_location:  # for the map script: plain decimals, not localised by the template
            facility.lat, facility.lng = str(facility.latitude), str(facility.longitude)
        if filterset.community:
            activity = getattr(facility, "community", None)
            facility.next_date = activity.next_date(today) if activity else None
            facility.schedule_text = (activity.schedule_text if activity else "") or ""
    terms = filterset.form.cleaned_data.get("q", "").split() if valid else []
    carried = [] if filterset.community else slot_carried("search", request)
    hints = (
        _relaxed_counts(request, filterset.form.cleaned_data, names)
        if valid and page.paginator.count == 0
        else []
    )
    return render(
        request,
        "resources/search.html",
        {
            "filter": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "facilities": page.object_list,
            "place": filterset.place,
            "short_terms": [t for t in terms if len(t) <= 2],
            "pro": pro,
            "query_string": request.GET.urlencode(),
            "choices": filters.search_choices(filterset.form, names, filterset.community),
            "community": filterset.community,
            "hints": hints,
            "can_start_round": can_edit_directory(request.user),
            # Later apps' blocks for this page (rota: who is on duty now, for professionals and staff).
            "panels": [] if filterset.community else slot_panels("search", request, None),
            # Later apps' parameters the form and the clear/switch links keep (consultations:
            # the consultation the search is for), as hidden fields and as a query.
            "carried": carried,
            "carried_query": urlencode(carried),
        },
    )


def _accepting_text(facility):
    """受入: 要相談（2026/4/1時点）, or nothing when the facility has not said (professionals only)."""
    if not facility.accepting:
        return ""
    stated = facility.accepting_stated_on
    since = f"（{stated.year}/{stated.month}/{stated.day}時点）" if stated else ""
    return f"受入: {facility.get_accepting_display()}{since}"


def _relaxed_counts(request, chosen, lookups):
    """For a search that found nothing: each condition, with what was chosen (種別: 薬局), and how
    many facilities the search would find without it, so that the page can say which one to drop
    (one count per condition, only on an empty result). `chosen`: the form's cleaned data;
    `lookups`: the page's LookupNames."""
    names = {
        "q": "キーワード",
        "kind": "種別",
        "area": "地域",
        "visits": "この地域に訪問できる",
        "specialty": "診療科目",
        "callable_now": "今電話できる",
        "accepting": "新規受入可",
        "radius": "範囲",
        "this_week": "今週ひらかれる",
    }
    hints = []
    params = request.GET
    conditions = [(key, None) for key in names if params.get(key)]
    conditions += [("capabilities", value) for value in params.getlist("capabilities")]
    if len(conditions) < 2:  # with one condition, dropping it only shows the whole directory
        return hints

    capability_names = {pk: name for pk, name, *_ in lookups.capabilities()}
    for key, value in conditions[:8]:
        rest = params.copy()
        if value is None:
            rest.pop(key)
        else:
            rest.setlist(key, [v for v in rest.getlist(key) if v != value])
        filterset = FacilityFilter(rest, queryset=Facility.objects.all(), user=request.user, names=lookups)
        if not filterset.is_valid():
            continue
        count = filterset.qs.count()
        if count:
            if key == "capabilities":
                label = f"在宅対応: {capability_names.get(int(value), value) if value.isdigit() else value}"
            elif key in ("callable_now", "accepting", "this_week"):
                label = names[key]
            elif key == "radius":
                label = f"{names[key]}: {dict(filters.RADIUS_CHOICES).get(params[key], params[key])}"
            else:
                label = f"{names[key]}: {chosen.get(key) or params[key]}"
            hints.append((label, count, rest.urlencode()))
    return hints


# ?public=1 on the print and on a facility's page: what a resident sees, for a professional who
# hands the sheet to a client's family (ご家族・ご本人に渡す).
PUBLIC_PARAM = "public"


def _asks_public(request):
    return request.GET.get(PUBLIC_PARAM) == "1"


def print_list(request):
    """The current result list on A4, with contacts (professionals: direct lines and ケアマネタイム),
    headed by what was searched, so that the sheet says which list it is once it is printed.
    A professional may ask for the public version (?public=1) to hand to a client's family: it
    leaves out every professionals-only field, and the professionals-only filters too, since a
    list of 新規受入可 facilities would tell what the sheet leaves out."""
    staff = sees_professional_fields(request.user)
    pro = staff and not _asks_public(request)
    filterset, queryset, valid = _filtered(request, professional=pro)
    facilities = list(queryset[: PRINT_LIMIT + 1])
    if pro:  # from the prefetched windows
        for f in facilities:
            f.call_lines = window_lines(f, ContactWindow.Kind.CALL)
            f.avoid_lines = window_lines(f, ContactWindow.Kind.AVOID)
    search_query = request.GET.copy()  # the search's own conditions, without the print's switch
    search_query.pop(PUBLIC_PARAM, None)
    return render(
        request,
        "resources/print.html",
        {
            "facilities": facilities[:PRINT_LIMIT],
            "truncated": len(facilities) > PRINT_LIMIT,
            "filter": filterset,
            "place": filterset.place,
            "conditions": _print_conditions(filterset) if valid else [],
            "pro": pro,
            "staff": staff,
            # The professionals-only conditions the public version did not apply, to say so.
            "left_out": [
                name
                for key, name in (("callable_now", "★ 今電話できる施設のみ"), ("accepting", "新規受入可のみ"))
                if staff and not pro and search_query.get(key)
            ],
            "printed_at": timezone.localtime(),
            "query_string": search_query.urlencode(),
        },
    )


def _print_conditions(filterset):
    """[(name, value)] of the conditions of a valid search, named as the search form names them
    (a box ticked has no value), from what the form has read: no query of its own."""
    data = filterset.form.cleaned_data
    conditions = []
    if data.get("q"):
        conditions.append(("キーワード", data["q"]))
    for key, name in (
        ("kind", "種別"),
        ("area", "この地域で" if filterset.community else "地域"),
        ("visits", "この地域に訪問できる"),
        ("specialty", "診療科目"),
    ):
        if data.get(key):
            conditions.append((name, str(data[key])))
    if data.get("capabilities"):
        conditions.append(("在宅対応", "、".join(str(c) for c in data["capabilities"])))
    for key, name in (
        ("callable_now", "★ 今電話できる施設のみ"),
        ("accepting", "新規受入可のみ"),
        ("this_week", "今週ひらかれる"),
    ):
        if data.get(key):
            conditions.append((name, ""))
    place, radius = filterset.place, dict(filters.RADIUS_CHOICES).get(data.get("radius") or "")
    if place:
        conditions.append(("近くの場所", f"{place.label}（{place.how}）"))
        if radius:
            conditions.append(("範囲", radius))
    elif data.get("near"):
        unused = "距離順の並べ替えも範囲の絞り込みも" if radius else "距離順の並べ替えは"
        conditions.append(("近くの場所", f"{data['near']}（位置が分からないため、{unused}していません）"))
    return conditions


def export(request, fmt):
    filterset, queryset, _ = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if filterset.community:
        header, rows = community_export_rows(queryset[:EXPORT_LIMIT], request.user)
        name, sheet = f"community-{stamp}", "地域の活動"
    else:
        header, rows = export_rows(
            queryset[:EXPORT_LIMIT],
            professional=sees_professional_fields(request.user),
            near=filterset.place is not None,
        )
        name, sheet = f"facilities-{stamp}", "施設一覧"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", [(sheet, header, rows)])
    return csv_response(f"{name}.csv", header, rows)


def _back_to_search(request):
    """The search the visitor came from, to offer 「検索結果に戻る」: the `back` the result list
    puts on its links, else the Referer, either only when it is this site's search page (a path,
    no other host or scheme), rebuilt from its parsed query so that nothing else rides along.
    None when the page was reached another way."""
    search_path = reverse("resources:search")
    for url, relative in ((request.GET.get("back"), True), (request.headers.get("Referer"), False)):
        if not url or not url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        parts = urlsplit(url)
        if relative and (parts.scheme or parts.netloc):
            continue
        if parts.path == search_path:
            query = QueryDict(parts.query).urlencode()
            return f"{search_path}?{query}" if query else search_path
    return None


def detail(request, pk):
    staff = sees_professional_fields(request.user)
    # ?public=1: the page as a resident sees it, for a professional to print for a client's family.
    public = staff and _asks_public(request)
    pro = staff and not public
    facility = get_object_or_404(
        Facility.objects.select_related("kind", "area", "confirmed_by").prefetch_related(
            "capabilities",
            "specialties",
            "services",
            "areas_served",
            "capability_links",
            *(
                ["contact_windows", Prefetch("vacancies", Vacancy.objects.select_related("service"))]
                if pro
                else []
            ),
        ),
        pk=pk,
    )
    back = _back_to_search(request)
    if facility.kind.group == FacilityKind.Group.COMMUNITY:
        return _community_detail(request, facility, pro, back)
    capabilities, specialties, services = facility.labels()
    # The public version shows no editing either: it is the page as the family will read it.
    can_edit = not public and can_edit_directory(request.user)
    stated = {link.capability_id: link for link in facility.capability_links.all()}
    return render(
        request,
        "resources/detail.html",
        {
            "facility": facility,
            "capabilities": capabilities,
            "specialties": specialties,
            "services": services,
            "pro": pro,
            "public": public,
            "back": back,
            # The page's own switches keep the way back to the search.
            "back_param": urlencode({"back": back}) if back else "",
            "can_edit": can_edit,
            "capability_answers": [(c, stated.get(c.pk)) for c in capabilities],
            "rechecks": facility.rechecks.filter(closed_at__isnull=True) if can_edit else [],
            "windows": facility.weekly_windows() if pro else None,
            "callable_now": pro and facility.is_callable_at(filters.now()),
            # Later apps' panels are for staff (連絡調整の実績 …): none on the public version.
            "panels": [] if public else extensions.facility_panels(request, facility),
            "changes": facility.changes.select_related("user")[:10] if pro else [],
        },
    )


def _community_detail(request, facility, pro, back=None):
    """A community resource's page: organiser, schedule in words, the next date (today in
    Asia/Tokyo, `data-next-date`), fee, booking and the contact (a professionals-only one never
    reaches anonymous visitors or officials)."""
    activity = CommunityActivity.objects.filter(facility=facility).prefetch_related("rules").first()
    next_date, next_rule = activity.next_meeting(recurrence.today()) if activity else (None, None)
    editable = Facility.objects.community_editable_by(request.user).filter(pk=facility.pk).exists()
    show_contact = bool(
        activity
        and activity.contact_visible_to(request.user)
        and (activity.contact_name or activity.contact_phone)
    )
    return render(
        request,
        "resources/community_detail.html",
        {
            "facility": facility,
            "activity": activity,
            "rules": activity.rules_list() if activity else [],
            "next_date": next_date,
            "next_rule": next_rule,
            "show_contact": show_contact,
            "answering_center": None if show_contact else SendingCenters().for_area(facility.area_id),
            "pro": pro,
            "can_edit": editable,
            "end_form": community.EndActivityForm() if editable and not facility.closed_on else None,
            "can_confirm": can_edit_directory(request.user),
            "changes": facility.changes.select_related("user")[:10] if editable else [],
            "back": back,
        },
    )


@require_POST
@role_required(*DIRECTORY_EDITORS)
def confirm(request, pk):
    facility = get_object_or_404(Facility, pk=pk)
    facility.confirm(request.user)
    audit(request, UPDATE, facility, "最新と確認")
    messages.success(request, f"「{facility.name}」の情報を本日付けで最新と確認しました。")
    return redirect(_page_with_back(facility, _back_to_search(request)))


def _page_with_back(facility, back):
    """The facility's page, keeping the way back to the search it was reached from (an edit or
    a confirmation from the page returns to it with its 「検索結果に戻る」)."""
    url = facility.get_absolute_url()
    return f"{url}?{urlencode({'back': back})}" if back else url


@role_required(*DIRECTORY_EDITORS)
def edit(request, pk=None):
    facility = get_object_or_404(Facility, pk=pk) if pk else None
    stored = as_stored(facility)
    form = FacilityForm(request.POST or None, instance=facility)
    formset = windows_formset(request.POST or None, facility.contact_windows.all() if facility else ())
    back = _back_to_search(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            created = facility is None
            facility = form.save_with_history(request.user, formset)
            audit(request, CREATE if created else UPDATE, facility, changed_fields(form))
            changed = form.changed_labels
            ticked = request.POST.getlist("close_recheck")
            closed = updates.close_rechecks_by_edit(request, facility, ticked, changed)
        messages.success(request, f"「{facility.name}」を保存しました。")
        if closed:
            messages.success(request, f"再確認リストの{closed}件を確認済みにしました。")
        elif ticked and not changed:
            messages.warning(request, "変更がなかったため、再確認リストは確認済みにしていません。")
        return redirect(_page_with_back(facility, back))
    rechecks = facility.rechecks.filter(closed_at__isnull=True) if facility else ()
    return render(
        request,
        "resources/form.html",
        {
            "form": form,
            "formset": formset,
            "facility": stored,
            "open_rechecks": rechecks,
            "ticked_rechecks": request.POST.getlist("close_recheck"),
            "back_url": _page_with_back(stored, back) if stored else back or reverse("resources:search"),
        },
    )


@role_required(Role.ADMIN)
def missing(request):
    """Facilities a newer full national file no longer lists: an admin marks each 廃止 or keeps it."""
    if request.method == "POST":
        facility = get_object_or_404(Facility, pk=request.POST.get("facility"), missing_since__isnull=False)
        keep = request.POST.get("decision") == "keep"
        with transaction.atomic():
            mark_closed(facility, request.user, keep=keep)
            audit(request, UPDATE, facility, "公表データから消えた施設: " + ("存続" if keep else "廃止"))
        messages.success(
            request, f"「{facility.name}」を{'そのまま残しました' if keep else '廃止にしました'}。"
        )
        return redirect("resources:missing")
    facilities = (
        Facility.objects.filter(missing_since__isnull=False, closed_on__isnull=True)
        .select_related("kind", "area", "missing_batch")
        .order_by("missing_since", "name_kana", "pk")
    )
    page = Paginator(facilities, 50).get_page(request.GET.get("page"))
    return render(request, "resources/missing.html", {"page_obj": page, "facilities": page.object_list})
