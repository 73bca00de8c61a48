"""What consultations contributes to pages of earlier apps (the dashboard, the facility page)."""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.db.models import Count, Q

from consultations.models import AccessLog, Consultation, Coordination
from consultations.public import public_centers
from coordination import dates


def open_consultations(request):
    mine = Consultation.objects.for_user(request.user)
    today = dates.today()
    today_open = list(mine.open().filter(received_at__date=today).select_related("consultant_type")[:20])
    follow_ups = list(
        mine.follow_ups_due(today).select_related("consultant_type").order_by("follow_up_on")[:20]
    )
    # The panel shows the start of each 相談概要: one access-log entry with the ids shown.
    shown = {c.pk: c for c in today_open + follow_ups}
    AccessLog.log_list(request, shown.values())
    return {"today_open": today_open, "follow_ups": follow_ups}


def reports_links(request):
    """The 月報 an official asks for first: last month's (the month just closed: December of the
    year before in January), this month's so far, and this 年度's tally (in January–March, the 年度
    that began the April before)."""
    today = dates.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    return {
        "last_year": last_month.year,
        "last_month": last_month.month,
        "this_year": today.year,
        "this_month": today.month,
        "fiscal_year": dates.fiscal_year(today),
    }


# The facility page lists this many of the latest 連絡調整 rows with the facility.
FACILITY_LATEST_ROWS = 10


def facility_coordinations(request, facility):
    """How often this facility was asked in 連絡調整 and how often it accepted (all centers;
    counts only), and the latest rows of the consultations this user may open (a coordinator its
    own center's, an admin all): date, means, result, the row's short note and the link. The
    rows are excerpts of consultations: one access-log entry with the ids shown, as the list."""
    stats = Coordination.objects.filter(facility=facility).aggregate(
        asked=Count("id"),
        accepted=Count("id", filter=Q(result=Coordination.Result.ACCEPTED)),
        declined=Count("id", filter=Q(result=Coordination.Result.DECLINED)),
    )
    latest = list(
        Coordination.objects.filter(
            facility=facility, consultation__in=Consultation.objects.for_user(request.user).values("pk")
        )
        .only("consultation_id", "contacted_at", "means", "result", "reason", "note")
        .order_by("-contacted_at", "-pk")[:FACILITY_LATEST_ROWS]
    )
    shown = {row.consultation_id: Consultation(pk=row.consultation_id) for row in latest}
    AccessLog.log_list(request, shown.values())
    return {"stats": stats, "latest": latest}


# Up to this many centers are listed with their phones on the residents' home; a prefecture's
# many centers are found by address instead (the list is one click away).
PUBLIC_HOME_CENTERS = 4


def public_contact(request):
    """The residents' home: whom to call about care at home. The open centers with their phones
    when they are few, and the search for the one covering an address."""
    centers = list(public_centers()[: PUBLIC_HOME_CENTERS + 1])
    return {
        "contact_centers": centers[:PUBLIC_HOME_CENTERS],
        "more_centers": len(centers) > PUBLIC_HOME_CENTERS,
    }


# The directory search opened from a consultation carries its number, so that the page says
# which consultation it is for and each result offers 「この相談の連絡調整に記録」: the coordinator
# who found the facility to call records the call without typing its name again.
SEARCH_PARAM = "consultation"


def _searched_for(request, value=None):
    """The consultation the directory search is for (`value`: its number, default the request's
    parameter), when the user may record on it; else None."""
    value = request.GET.get(SEARCH_PARAM, "") if value is None else value
    if not value.isdigit():
        return None
    return Consultation.objects.for_user(request.user).only("pk", "received_at").filter(pk=int(value)).first()


def search_for_consultation(request, obj=None):
    """The search page's notice (its `search` slot): which consultation the search is for, and the
    way back to it. Its number and time only: nothing of the client."""
    return {"for_consultation": _searched_for(request)}


def search_result_record(request, facility_ids):
    """Each result's 「この相談の連絡調整に記録」 (`search_results` annotations): the consultation's
    page with its 連絡調整 form opened on that facility."""
    consultation = _searched_for(request)
    if consultation is None:
        return {}
    url = consultation.get_absolute_url()
    return {pk: {"record_url": f"{url}?co_facility={pk}#coordination-add"} for pk in facility_ids}


def facility_record(request, facility):
    """The facility page opened from such a search (its 「検索結果に戻る」 address carries the
    consultation's number): the same 「この相談の連絡調整に記録」, where the coordinator reads the
    facility's numbers and ケアマネタイム before calling."""
    back = parse_qs(urlsplit(request.GET.get("back", "")).query).get(SEARCH_PARAM, [""])[-1]
    consultation = _searched_for(request, back) if back else None
    if consultation is None:
        return {"for_consultation": None}
    url = f"{consultation.get_absolute_url()}?co_facility={facility.pk}#coordination-add"
    return {"for_consultation": consultation, "record_url": url}
