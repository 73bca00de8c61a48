"""The backup beds a hospital states itself, through its resources update link (no account, no
JavaScript): the link's token opens this page as it opens the update form, and the page shows
and writes only that hospital's beds. The update form offers it through the `update_link` slot
of coordination.extensions (resources never imports rota)."""

import datetime
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from coordination.forms import post_data
from coordination.models import Center
from resources import updates
from resources.models import UpdateLink
from resources.update_views import closed_entry_page
from rota import services
from rota.forms import LinkBackupBedForm, LinkBedChangeForm
from rota.models import BackupBed
from rota.panels import BACKUP_CAPABILITY


def keeps_backup_beds(facility):
    """A hospital (a 在宅療養後方支援病院 or another) may state backup beds."""
    return (
        facility.kind.code == "hospital"
        or facility.capability_links.filter(capability__code=BACKUP_CAPABILITY).exists()
    )


def by_link(view):
    """A page of the active link of the token (not revoked, not expired) of a hospital: the view
    gets the link. A live link of a hospital whose entry has been closed or merged since answers
    the update form's own page saying so (410, resources' closed_entry_page), and nothing is
    written, whatever was posted; any other token answers 404."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        link = (
            UpdateLink.objects.active()
            .select_related("facility__kind", "facility__area")
            .filter(token=token)
            .first()
        )
        if link is not None and keeps_backup_beds(link.facility):
            return view(request, link, *args, **kwargs)
        closed = updates.closed_link(token) if link is None else None
        if closed is not None and keeps_backup_beds(closed.facility):
            return closed_entry_page(request, closed)
        raise Http404

    return wrapper


def center_for(link):
    """The center the hospital's beds belong to: the one its earlier beds were entered for, else
    the one covering its area (or an area above it), else the center of whoever issued the link."""
    facility = link.facility
    earlier = (
        BackupBed.objects.filter(facility=facility)
        .order_by("-pk")
        .values_list("center_id", flat=True)
        .first()
    )
    if earlier:
        return Center.objects.get(pk=earlier)
    area = facility.area
    while area is not None:
        center = Center.objects.filter(areas=area).order_by("pk").first()
        if center:
            return center
        area = area.parent
    for user in (link.created_by, link.round.started_by if link.round_id else None):
        if user is not None and user.center_id:
            return user.center
    return None


def link_panel(request, link):
    """The update form's `update_link` slot: a way to the backup-bed page, for a hospital."""
    if not keeps_backup_beds(link.facility):
        return None
    today = timezone.localdate()
    return {
        "url": reverse("rota:link_beds", args=[link.token]),
        "current": BackupBed.objects.filter(facility_id=link.facility_id, available_until__gte=today).count(),
        # The block sits below the long form; the form's head points to it (`jump`: anchor, words).
        "jump": ("h-link-beds", "後方支援病床（急変時の受け入れ）の入力"),
    }


@never_cache
@by_link
def link_beds(request, link):
    today = timezone.localdate()
    center = center_for(link)
    form = LinkBackupBedForm(post_data(request), initial={"available_from": today})
    if request.method == "POST" and form.is_valid():
        if center is None:
            messages.error(
                request, "担当のセンターが分からないため登録できません。センターにお電話ください。"
            )
        else:
            bed = services.add_bed_by_link(request, link, form, center)
            messages.success(
                request,
                f"後方支援病床 {bed.beds}床（{_md(bed.available_from)}〜{_md(bed.available_until)}）を登録しました。",
            )
            return redirect("rota:link_beds", token=link.token)
    beds = list(
        BackupBed.objects.filter(facility_id=link.facility_id, available_until__gte=today).order_by(
            "available_from", "pk"
        )
    )
    continuing = set(
        BackupBed.objects.filter(facility_id=link.facility_id).continuing(today).values_list("pk", flat=True)
    )
    return render(
        request,
        "rota/link_beds.html",
        {
            "link": link,
            "facility": link.facility,
            "form": form,
            "beds": beds,
            "today": today,
            "continuing": continuing,
        },
    )


def _shown_bed_or_404(link, pk):
    """One of the rows the page lists: the link's hospital's, not over yet."""
    return get_object_or_404(
        BackupBed, pk=pk, facility_id=link.facility_id, available_until__gte=timezone.localdate()
    )


@never_cache
@by_link
def link_bed_edit(request, link, pk):
    """The hospital changes the number of beds (and the conditions) of one row."""
    bed = _shown_bed_or_404(link, pk)
    form = LinkBedChangeForm(post_data(request), instance=bed)
    if request.method == "POST" and form.is_valid():
        before = BackupBed.objects.get(pk=bed.pk)
        bed = services.change_bed(request, form, link=link)
        if bed.pk != before.pk:  # split: the past days keep what was offered then
            text = (
                f"今日（{_md(bed.available_from)}）から{_md(bed.available_until)}までを{bed.beds}床に変更しました。"
                f"{_md(before.available_from)}〜昨日の{before.beds}床は記録として残ります。"
            )
        else:
            text = (
                f"{_md(bed.available_from)}〜{_md(bed.available_until)}の病床を{bed.beds}床に変更しました。"
            )
        messages.success(request, text)
        return redirect("rota:link_beds", token=link.token)
    return render(
        request,
        "rota/link_bed_edit.html",
        {
            "link": link,
            "facility": link.facility,
            "form": form,
            "bed": BackupBed.objects.get(pk=bed.pk),
            "today": timezone.localdate(),
        },
    )


@never_cache
@by_link
def link_bed_end(request, link, pk):
    """Ending (or withdrawing) a row: a page naming the row and what will happen, then the
    change, only when that page's button is pressed (confirm=1)."""
    bed = _shown_bed_or_404(link, pk)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    # A row carrying on yesterday's (a change made today) is taken away too, but for the hospital
    # that ends its acceptance: it is said so, as for a running row.
    withdraw = (
        bed.available_from >= today and not BackupBed.objects.continuing(today).filter(pk=bed.pk).exists()
    )
    if request.method == "POST" and request.POST.get("confirm") == "1":
        ended = services.end_bed_by_link(request, link, bed, request.POST.get("stated_by", "").strip()[:100])
        if withdraw:
            messages.success(request, "病床の登録を取り下げました。")
        else:
            until = ended.available_until if ended else yesterday
            messages.success(request, f"病床の受け入れを{_md(until)}までとしました。")
        return redirect("rota:link_beds", token=link.token)
    return render(
        request,
        "rota/link_bed_end.html",
        {
            "link": link,
            "facility": link.facility,
            "bed": bed,
            "today": today,
            "yesterday": yesterday,
            "withdraw": withdraw,
        },
    )


def _md(day):
    return f"{day.month}月{day.day}日"
