"""Pages of keeping the directory true: the facility's own update form (by link, no account),
the coordinators' change requests, update links and letters, rounds and the re-check list.
Writes go through resources.updates."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coordination import extensions
from coordination.access import get_for_user, role_required
from coordination.exports import csv_response
from coordination.models import DIRECTORY_EDITORS, Role
from coordination.qr import qr_svg
from resources import updates
from resources.exporting import window_lines
from resources.forms import (
    ErrorReportForm,
    FacilityUpdateForm,
    RecheckCloseForm,
    RejectForm,
    RoundForm,
    UpdateLinkForm,
)
from resources.models import (
    ChangeRequest,
    ConfirmationRound,
    ContactWindow,
    Facility,
    FacilityCapability,
    Recheck,
    RoundMailing,
    UpdateLink,
)
from resources.windows import windows_formset

editors = role_required(*DIRECTORY_EDITORS)


# --- the facility's side (no account) -------------------------------------------------------


def _closed_entry_or_404(request, token):
    """A token whose entry was closed or merged after its link went out: a plain page that
    says so and whom to call, with no form; nothing is written, whatever was posted. Any other
    token the update form does not take answers 404."""
    link = updates.closed_link(token)
    if link is None:
        raise Http404
    return closed_entry_page(request, link)


def closed_entry_page(request, link):
    """The page of a closed or merged entry's live link (updates.closed_link): what became of
    the entry and whom to call, no form. Also what rota's backup-bed pages under the same token
    answer, so the hospital hears one thing wherever its link leads."""
    return render(
        request,
        "resources/update_closed.html",
        {"link": link, "facility": link.facility, "center": updates.sending_center(link)},
        # 410: the page is gone for good, and says why.
        status=410,
    )


def capability_groups(form, facility):
    """The update form's capabilities in the groups of Capability.group: the facility's current
    ones first (what it confirms), then the groups facilities of its kind use, and the other
    groups apart (folded on the page). The data does not say which capability belongs to which
    kind, so "used by a facility of the same kind" stands for it (one query)."""
    current = {link.capability_id for link in facility.capability_links.all()}
    of_kind = set(
        FacilityCapability.objects.filter(facility__kind_id=facility.kind_id)
        .values_list("capability_id", flat=True)
        .distinct()
    )
    first, groups, used = [], {}, set()
    for widget in form["capabilities"]:
        capability = widget.data["value"].instance
        name = capability.group or "その他"
        if capability.pk in current:
            first.append(widget)
        else:
            groups.setdefault(name, []).append(widget)
        if capability.pk in of_kind or capability.pk in current:
            used.add(name)
    return {
        "current": first,
        "common": [(name, widgets) for name, widgets in groups.items() if name in used],
        "other": [(name, widgets) for name, widgets in groups.items() if name not in used],
    }


@never_cache
def update_form(request, token):
    link = updates.open_link(token)
    if link is None:
        return _closed_entry_or_404(request, token)
    facility = (
        Facility.objects.select_related("kind")
        .prefetch_related("services", "contact_windows", "capability_links", "areas_served", "vacancies")
        .get(pk=link.facility_id)
    )
    beds = updates.bed_services(facility)
    # What this link sent and the center has not decided yet: the form starts from it.
    sent = updates.pending_answer(link)
    data = request.POST if request.method == "POST" else None
    form = FacilityUpdateForm(data, facility=facility, bed_services=beds, sent=sent)
    windows = updates.sent_windows(sent) if sent else facility.contact_windows.all()
    formset = windows_formset(data, windows)
    if request.method == "POST":
        if "unchanged" in request.POST:
            updates.submit(request, link, None, request.POST.get("submitted_by", "")[:100])
            return redirect("resources:update_done", token=token)
        if form.is_valid() and formset.is_valid():
            proposed = updates.proposal(facility, form, formset)
            updates.submit(
                request, link, proposed, form.cleaned_data["submitted_by"], form.cleaned_data["message"]
            )
            return redirect("resources:update_done", token=token)
    return render(
        request,
        "resources/update_form.html",
        {
            "link": link,
            "facility": facility,
            "form": form,
            "formset": formset,
            "sent": sent,
            "sent_rows": updates.sent_rows(sent) if sent else [],
            "capabilities": capability_groups(form, facility),
            # What later apps offer the facility on its own link (rota: a hospital's backup beds).
            "panels": extensions.link_panels("update_link", request, link),
        },
    )


@never_cache
def update_done(request, token):
    link = updates.open_link(token)
    if link is None:
        return _closed_entry_or_404(request, token)
    last = link.change_requests.order_by("-submitted_at", "-pk").first()
    return render(
        request,
        "resources/update_done.html",
        {
            "link": link,
            "facility": link.facility,
            "last": last,
            "sent_rows": updates.sent_rows(last)
            if last and last.status == ChangeRequest.Status.PENDING
            else [],
        },
    )


# --- links and letters (coordinators, admins) -------------------------------------------------


@editors
def facility_links(request, pk):
    facility = get_object_or_404(Facility.objects.select_related("kind", "merged_into"), pk=pk)
    form = UpdateLinkForm(request.POST or None, initial={"email": facility.contact_email})
    if request.method == "POST" and facility.closed_on:
        # A link of a closed entry would never open its form (UpdateLinkQuerySet.active).
        messages.error(
            request, f"この施設は{updates.closed_note(facility)}のため、更新用リンクは発行できません。"
        )
        return redirect("resources:facility_links", pk=facility.pk)
    if request.method == "POST" and form.is_valid():
        link = updates.issue_link(request, facility, form.cleaned_data["contact"], form.cleaned_data["email"])
        messages.success(request, f"「{link.contact or '担当者'}」あての更新用リンクを用意しました。")
        return redirect("resources:facility_links", pk=facility.pk)
    links = facility.update_links.select_related("round", "created_by").order_by("revoked_at", "-created_at")
    # The center a new link's letter or email would come from: a link issued here is this user's.
    center = updates.sending_center(UpdateLink(facility=facility, created_by=request.user))
    return render(
        request,
        "resources/links.html",
        {
            "facility": facility,
            "form": form,
            "links": [(link, updates.link_url(link, request)) for link in links],
            "center": center,
            "center_gaps": updates.center_gaps(center),
            "closed_note": updates.closed_note(facility) if facility.closed_on else "",
        },
    )


def _link(pk):
    return get_object_or_404(UpdateLink.objects.select_related("facility__kind", "created_by"), pk=pk)


@require_POST
@editors
def link_revoke(request, pk):
    link = _link(pk)
    updates.revoke_link(request, link)
    messages.success(request, "リンクを無効にしました。このリンクではもう開けません。")
    return redirect("resources:facility_links", pk=link.facility_id)


@require_POST
@editors
def link_send(request, pk):
    link = _link(pk)
    if not link.is_active:
        raise Http404
    if updates.send_link(request, link):
        messages.success(request, f"{link.email} にリンクを送りました。")
    else:
        messages.error(request, "送付先メールアドレスがありません。手紙・FAXを印刷してください。")
    return redirect("resources:facility_links", pk=link.facility_id)


@editors
def link_letter(request, pk):
    """A4 letter / FAX sheet with the link and its QR code."""
    link = _link(pk)
    if not link.is_active:
        raise Http404
    letter = _letter(request, link, updates.SendingCenters())
    return render(request, "resources/letter.html", {**letter, "today": timezone.localdate()})


@require_POST
@editors
def link_letter_sent(request, pk):
    """「送付済みにする」 on the letter's page: the coordinator says it went out (opening the page
    sends nothing, so a preview leaves the round's 未送付 as it is)."""
    link = _link(pk)
    if not link.is_active:
        raise Http404
    if updates.mark_sent(request, link):
        messages.success(request, "この手紙を送付済みにしました。")
    else:
        messages.info(request, "この手紙はすでに送付済みです。")
    return redirect("resources:link_letter", pk=link.pk)


def _letter(request, link, senders):
    """What one letter shows (templates/resources/_letter.html), for the facility's own page and
    a round's batch alike; `senders`: one SendingCenters for all the letters of a page."""
    url = updates.link_url(link, request)
    center = senders.for_link(link)
    return {
        "link": link,
        "facility": link.facility,
        "url": url,
        "qr": qr_svg(url, title="更新用リンクのQRコード"),
        "center": center,
        "center_gaps": updates.center_gaps(center),
        # ケアマネタイム is what the letter asks most to check: written as the facility page and
        # the A4 list write it, one line per same hours on several weekdays.
        "call_times": window_lines(link.facility, ContactWindow.Kind.CALL),
        "avoid_times": window_lines(link.facility, ContactWindow.Kind.AVOID),
    }


LETTERS_PER_PAGE = 50


def _round_letter_links(round_, everyone):
    """The links whose letters a round's batch shows: the active ones without an email address
    (everyone: all the active ones), in the batch's order."""
    links = round_.links.active().order_by("facility__name_kana", "pk")
    return links if everyone else links.filter(email="")


@editors
def round_letters(request, pk):
    """Every letter of a round's facilities without an email address, one A4 sheet each, to print
    at once (?all=1: every facility of the round). Opening the page sends nothing: the page's
    「送付済みにする」 (round_letters_sent) records the letters shown as sent."""
    round_ = _open_round(request, pk)
    everyone = request.GET.get("all") == "1"
    links = _round_letter_links(round_, everyone).select_related("facility")
    links = links.prefetch_related(
        "facility__capabilities", "facility__areas_served", "facility__contact_windows"
    )
    page = Paginator(links, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    senders = updates.SendingCenters()
    letters = [_letter(request, link, senders) for link in page.object_list]
    return render(
        request,
        "resources/round_letters.html",
        {
            "round": round_,
            "letters": letters,
            "unsent": sum(1 for letter in letters if letter["link"].sent_at is None),
            "page_obj": page,
            "everyone": everyone,
            "today": timezone.localdate(),
        },
    )


@require_POST
@editors
def round_letters_sent(request, pk):
    """「この◯通を送付済みにする」 on a page of the batch: the letters of that page (their link ids
    posted), re-read among the round's own letters of the same batch, so that ids of another round
    or a link since revoked stamp nothing."""
    round_ = _open_round(request, pk)
    everyone = request.POST.get("all") == "1"
    ids = [int(value) for value in request.POST.getlist("link") if value.isdigit()]
    marked = updates.mark_all_sent(request, _round_letter_links(round_, everyone).filter(pk__in=ids))
    if marked:
        messages.success(request, f"{marked}通を送付済みにしました。")
    else:
        messages.info(
            request, "送付済みにする手紙はありませんでした（このページの手紙はすべて送付済みです）。"
        )
    query = {"all": "1"} if everyone else {}
    if request.POST.get("page", "").isdigit():
        query["page"] = request.POST["page"]
    url = reverse("resources:round_letters", args=[round_.pk])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@editors
def letters_csv(request):
    """施設・宛先・リンク of the active links (of one round with ?round=), for mail merge."""
    links = UpdateLink.objects.active().select_related("facility")
    if request.GET.get("round", "").isdigit():
        # Another center's round: 404, as its pages (its links are its facilities' keys).
        links = links.filter(round=_round(request, int(request.GET["round"])))
    header = ["施設名", "宛先", "住所", "FAX", "メールアドレス", "リンク", "有効期限"]
    rows = [
        [
            link.facility.name,
            link.contact,
            link.facility.address,
            link.facility.contact_fax or link.facility.fax,
            link.email,
            updates.link_url(link, request),
            link.expires_on,
        ]
        for link in links.order_by("facility__name_kana", "pk")
    ]
    return csv_response(f"update-letters-{timezone.localdate():%Y%m%d}.csv", header, rows)


# --- change requests -------------------------------------------------------------------------


def _scoped(request, queryset, own_rows=updates.own_center_rows):
    """The upkeep lists' 「自センターの地域」/「すべて」 choice (?scope=all): a coordinator sees
    its own center's rows by default (`own_rows`: updates.own_center_rows, its areas), and may
    see every row. Returns (queryset, the choice: None when there is none to make, as for admins)."""
    own = own_rows(request.user)
    if own is None:
        return queryset, None
    scope = "all" if request.GET.get("scope") == "all" else "own"
    return (queryset if scope == "all" else queryset.filter(own)), scope


@editors
def change_requests(request):
    status = request.GET.get("status", ChangeRequest.Status.PENDING)
    scoped, scope = _scoped(request, ChangeRequest.objects.all())
    queryset = scoped.select_related("facility__kind", "facility__merged_into", "link", "decided_by")
    if status in ChangeRequest.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    for cr in page.object_list:
        # A waiting request of a closed or merged entry says so: approving it is refused.
        cr.closed_note = updates.closed_note(cr.facility) if cr.facility.closed_on else ""
    counts = dict(scoped.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "resources/change_requests.html",
        {
            "page_obj": page,
            "requests": page.object_list,
            "status": status,
            "scope": scope,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in ChangeRequest.Status.choices
            ],
        },
    )


@editors
def change_request(request, pk):
    cr = get_object_or_404(
        ChangeRequest.objects.select_related("facility__kind", "facility__merged_into", "link", "decided_by"),
        pk=pk,
    )
    reject_form = RejectForm(request.POST if "reject" in request.POST else None)
    if request.method == "POST":
        if "reject" in request.POST:
            if reject_form.is_valid():
                if updates.reject(request, cr, reject_form.cleaned_data["reason"]):
                    messages.success(request, "申請を却下しました。")
                return redirect("resources:change_request", pk=cr.pk)
        else:
            keys = request.POST.getlist("fields") if "approve_some" in request.POST else cr.changed_keys
            if not keys:
                messages.error(
                    request,
                    "承認する項目にチェックを入れてください（すべて反映しない場合は却下してください）。",
                )
                return redirect("resources:change_request", pk=cr.pk)
            reason = (
                request.POST.get("skip_reason", "").strip()[:300] if "approve_some" in request.POST else ""
            )
            try:
                if updates.approve(request, cr, keys, reason):
                    messages.success(
                        request, "承認し、施設の情報に反映しました。最終確認日を回答日にしました。"
                    )
            except updates.FacilityClosed as refusal:
                messages.error(request, str(refusal))
            return redirect("resources:change_request", pk=cr.pk)
    return render(
        request,
        "resources/change_request.html",
        {
            "cr": cr,
            "rows": updates.diff_rows(cr),
            # Approved or rejected: each item says whether it was applied.
            "decided": cr.status
            in (ChangeRequest.Status.APPROVED, ChangeRequest.Status.PARTLY, ChangeRequest.Status.REJECTED),
            "reject_form": reject_form,
            "facility": cr.facility,
            # A pending request of an entry closed or merged since: not to be approved (approve()).
            "closed_refusal": updates.closed_refusal(cr.facility)
            if cr.facility.closed_on and cr.status == ChangeRequest.Status.PENDING
            else "",
        },
    )


# --- rounds ----------------------------------------------------------------------------------


@editors
def rounds(request):
    search = request.GET.get("search", "")
    form = RoundForm(request.POST or None, user=request.user, initial={"search": search})
    from_search = None
    if search and request.method != "POST":
        filterset = form.search_filter(search)
        from_search = filterset.qs.count() if filterset else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_, total, to_mail, skipped = updates.start_round(
            request, data["name"], form.facilities(), data["kind"], data["area"], data["remind_after_days"]
        )
        by_post = total - to_mail
        if not to_mail:
            how = "メールアドレスのある施設がないため、手紙・FAXで送ってください"
        else:
            how = f"メールで送る{to_mail}件の進み具合はこのページで確認できます"
            if by_post:
                how += f"。残りの{by_post}件は手紙・FAXで送ってください"
        messages.success(request, f"{total}施設で再調査を始めました（{how}）。")
        if skipped:
            messages.info(request, f"{skipped}施設は実施中の別の再調査で依頼済みのため、対象から除きました。")
        return redirect(round_)
    mine = ConfirmationRound.objects.for_user(request.user)
    queryset = (
        mine.select_related("kind", "area", "started_by")
        .order_by("-started_at", "-pk")
        .annotate(
            total=Count("links", distinct=True),
            answered=Count("links", filter=Q(links__answered_at__isnull=False), distinct=True),
        )
    )
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    by_kind, by_area = updates.freshness()
    return render(
        request,
        "resources/rounds.html",
        {
            "form": form,
            "page_obj": page,
            "rounds": page.object_list,
            "by_kind": by_kind,
            "by_area": by_area,
            "from_search": from_search,
            "by_year": updates.answers_by_year(mine),
            "search": search,
        },
    )


def _round(request, pk):
    """A round of the user's center (an admin: any); another center's answers 404, its POST
    actions too (coordination.access rule)."""
    return get_for_user(
        ConfirmationRound.objects.select_related("kind", "area", "started_by"), request.user, pk=pk
    )


def _open_round(request, pk):
    """A round that still sends emails: a closed one answers 404."""
    round_ = _round(request, pk)
    if round_.closed_at:
        raise Http404
    return round_


@editors
def round_detail(request, pk):
    round_ = _round(request, pk)
    state = request.GET.get("state", "")
    links = (
        round_.links.select_related("facility__kind", "facility__area__parent")
        .prefetch_related("change_requests")
        .order_by("facility__name_kana", "pk")
    )
    if state == "unanswered":
        links = links.filter(answered_at__isnull=True)
    elif state == "answered":
        links = links.filter(answered_at__isnull=False)
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    mailing = round_.mailings.first()
    return render(
        request,
        "resources/round.html",
        {
            "round": round_,
            "counts": updates.round_counts(round_),
            "due": updates.due_for_reminder(round_).count(),
            "unsent": updates.mailing_links(RoundMailing(round=round_, kind=RoundMailing.Kind.LINKS)).count(),
            "without_sender": updates.links_without_sender(round_.links.active()),
            # The batch's letters, and how many of them nobody has recorded as sent yet.
            "letters_to_print": _round_letter_links(round_, everyone=False).aggregate(
                total=Count("pk"), unsent=Count("pk", filter=Q(sent_at__isnull=True))
            ),
            "no_sender_help": updates.NO_SENDING_CENTER,
            "mailing": mailing,
            "page_obj": page,
            "links": page.object_list,
            "state": state,
        },
    )


@editors
def round_progress(request, pk):
    """The latest sending of the round's emails as JSON (static/js/batch-progress.js polls it)."""
    mailing = RoundMailing.objects.filter(round_id=_round(request, pk).pk).first()
    if mailing is None:
        raise Http404
    return JsonResponse(updates.mailing_progress(mailing))


@require_POST
@editors
def round_remind(request, pk):
    round_ = _open_round(request, pk)
    due = updates.send_reminders(request, round_)
    if due is None:
        messages.error(request, "メールの送信中です。終わってから督促してください。")
    elif due:
        messages.success(
            request, f"督促メール{due}件の送信を始めました。このページで進み具合を確認できます。"
        )
    else:
        messages.info(request, "督促するリンクはありません。")
    return redirect(round_)


@require_POST
@editors
def round_send(request, pk):
    """Sends the round's links not emailed yet (a sending that failed or was stopped)."""
    round_ = _open_round(request, pk)
    if updates.queue_mailing(request, round_, RoundMailing.Kind.LINKS):
        messages.success(request, "未送付のリンクのメール送信を始めました。")
    else:
        messages.error(request, "メールの送信中です。終わるまでお待ちください。")
    return redirect(round_)


@require_POST
@editors
def round_close(request, pk):
    round_ = _round(request, pk)
    flagged = updates.close_round(request, round_)
    messages.success(request, f"再調査を締め切りました。未回答の{flagged}施設を「未確認」にしました。")
    return redirect(round_)


# --- re-checks -------------------------------------------------------------------------------


@role_required(*Role.values)
def report_error(request, pk):
    """「この情報の誤りを知らせる」: any signed-in user of the directory (a care manager who phoned a
    number that has changed) tells the center; it lands on the re-check list."""
    facility = get_object_or_404(Facility, pk=pk)
    form = ErrorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        updates.report_error(request, facility, form.text())
        messages.success(
            request, "お知らせいただきありがとうございます。連携支援センターが確認し、掲載内容を直します。"
        )
        return redirect(facility)
    return render(request, "resources/report.html", {"facility": facility, "form": form})


@editors
def rechecks(request):
    show_closed = request.GET.get("closed") == "1"
    queryset, scope = _scoped(request, Recheck.objects.all(), updates.own_center_rechecks)
    queryset = queryset.select_related("facility__kind", "center", "created_by").filter(
        closed_at__isnull=not show_closed
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    user = request.user
    for recheck in page.object_list:
        # The consultation it came from is another center's record unless it is this user's.
        recheck.origin_visible = user.role == Role.ADMIN or recheck.center_id == user.center_id
    return render(
        request,
        "resources/rechecks.html",
        {
            "page_obj": page,
            "rechecks": page.object_list,
            "show_closed": show_closed,
            "scope": scope,
            "close_form": RecheckCloseForm(),
        },
    )


def _back_to_rechecks(request):
    """The list an answer was given on, in the scope it was shown in (「すべて」 stays)."""
    url = reverse("resources:rechecks")
    return redirect(f"{url}?scope=all" if request.POST.get("scope") == "all" else url)


@require_POST
@editors
def recheck_close(request, pk):
    recheck = get_object_or_404(Recheck, pk=pk, closed_at__isnull=True)
    form = RecheckCloseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "「確認の結果」を入力してください（例: 電話番号を修正した、リンクを送った）。"
        )
        return _back_to_rechecks(request)
    updates.close_recheck(request, recheck, form.cleaned_data["note"])
    messages.success(request, f"「{recheck.facility.name}」を再確認済みにしました。")
    return _back_to_rechecks(request)


@require_POST
@editors
def recheck_stopped(request, pk):
    """A 受入停止 re-check's one-click answer: the directory shows 受入停止中 from the day of the call."""
    recheck = get_object_or_404(
        Recheck.objects.select_related("facility"),
        pk=pk,
        closed_at__isnull=True,
        reason=Recheck.Reason.STOPPED,
    )
    outcome = updates.record_stopped(request, recheck)
    name = recheck.facility.name
    if outcome == updates.STOPPED_RECORDED:
        messages.success(request, f"「{name}」の新規受入状況を「受入停止中」にし、再確認済みにしました。")
    elif outcome == updates.NEWER_STATEMENT:
        stated, heard = recheck.facility.accepting_stated_on, recheck.heard_date
        messages.warning(
            request,
            f"「{name}」は{stated:%-m月%-d日}に新規受入状況を届けています（連絡調整より後）。"
            f"{heard:%-m月%-d日}の連絡調整で聞いた受入停止は、名簿に載せていません。"
            "施設に確かめて、結果を書いて確認済みにしてください。",
        )
    else:
        messages.info(request, f"「{name}」の再確認は、すでに確認済みです。")
    return _back_to_rechecks(request)
