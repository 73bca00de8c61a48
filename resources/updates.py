"""Keeping the directory true: every write of update links, change requests, confirmation rounds
and re-checks, one function each.

Each runs in one transaction and writes its audit entry (coordination.security.audit), the
consultations/services.py convention; forms only validate and views only call these.

A change request keeps the facility's values as a snapshot (`snapshot()`): one JSON value per
key of the update form, so that the coordinator's diff, a partial approval and 変更なし all
compare the same things."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coordination.batches import failure_text
from coordination.dates import fiscal_year
from coordination.models import Area, Center, Role, can_edit_directory, looked_after_area_ids
from coordination.security import CREATE, UPDATE, audit
from resources import geo
from resources import windows as window_rows
from resources.models import (
    BED_KIND_CODES,
    Capability,
    ChangeRequest,
    ConfirmationRound,
    Facility,
    FacilityCapability,
    FacilityChange,
    FacilityKind,
    Recheck,
    RoundMailing,
    UpdateLink,
    Vacancy,
)

logger = logging.getLogger(__name__)
# A round's emails are sent in chunks, the progress written after each.
MAIL_CHUNK = 50
RUNNING_MAILING = (RoundMailing.Status.QUEUED, RoundMailing.Status.RUNNING)

# Plain fields of the update form, with their labels (the same in the form and the diff).
TEXT_FIELDS = {
    # The facility's own public contact (the directory's 住所・電話番号・FAX番号).
    "postal_code": "郵便番号",
    "address": "住所",
    "phone": "電話番号",
    "fax": "FAX番号",
    "accepting": "受入状況",
    "contact_person": "連絡窓口・担当者",
    "direct_phone": "直通電話",
    "contact_email": "センター連絡用メールアドレス",
    "contact_fax": "センター連絡用FAX",
    "avoid_note": "連絡を避けてほしい時間（補足）",
}
LIST_FIELDS = {"windows": "ケアマネタイム", "capabilities": "在宅対応機能", "areas_served": "訪問できる地域"}
VACANCY_PREFIX = "vacancy:"


def bed_services(facility):
    """The services of the facility that have beds (空床 is asked for each)."""
    kinds = [facility.kind, *facility.services.all()]
    seen, out = set(), []
    for kind in kinds:
        if kind.code in BED_KIND_CODES and kind.pk not in seen:
            seen.add(kind.pk)
            out.append(kind)
    return out


def snapshot(facility):
    """The facility's current values, keyed as the update form and ChangeRequest keep them."""
    values = {name: _plain(getattr(facility, name)) for name in TEXT_FIELDS}
    values["windows"] = [list(w) for w in window_rows.stored(facility)]
    values["capabilities"] = sorted(facility.capability_links.values_list("capability_id", flat=True))
    values["areas_served"] = sorted(facility.areas_served.values_list("pk", flat=True))
    vacancies = {v.service_id: v for v in facility.vacancies.all()}
    for service in bed_services(facility):
        v = vacancies.get(service.pk)
        values[f"{VACANCY_PREFIX}{service.pk}"] = [v.beds, v.stated_on.isoformat()] if v else [None, ""]
    return values


def proposal(facility, form, formset):
    """What a valid update form proposes, in snapshot() form."""
    data = form.cleaned_data
    values = {name: _plain(data.get(name)) for name in TEXT_FIELDS}
    values["windows"] = [list(w) for w in window_rows.expand(formset.rows())]
    values["capabilities"] = sorted(c.pk for c in data["capabilities"])
    values["areas_served"] = sorted(a.pk for a in data["areas_served"])
    before = snapshot(facility)
    today = timezone.localdate().isoformat()
    for service in bed_services(facility):
        key = f"{VACANCY_PREFIX}{service.pk}"
        beds, on = data.get(f"beds_{service.pk}"), data.get(f"beds_on_{service.pk}")
        on = on.isoformat() if on else ""
        if beds is None:
            values[key] = [None, ""]
        elif before[key][0] != beds and (not on or on == before[key][1]):
            values[key] = [beds, today]  # a new number with the old date is today's number
        else:
            values[key] = [beds, on or today]
    return values


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def label(key):
    if key.startswith(VACANCY_PREFIX):
        kind = FacilityKind.objects.filter(pk=key[len(VACANCY_PREFIX) :]).first()
        return f"空床（{kind.name if kind else '—'}）"
    return TEXT_FIELDS.get(key) or LIST_FIELDS.get(key) or key


def display(key, value, names=None):
    """A snapshot value as a person reads it."""
    names = names or {}
    if key == "accepting":
        return dict(Facility.Accepting.choices).get(value, value) or "不明"
    if key == "windows":
        return "、".join(window_rows.describe(tuple(w) for w in value)) or "なし"
    if key in ("capabilities", "areas_served"):
        table = names.get(key, {})
        return "、".join(table.get(pk, str(pk)) for pk in value) or "なし"
    if key.startswith(VACANCY_PREFIX):
        beds, on = value
        return "—" if beds is None else f"{beds}床（{on}時点）" if on else f"{beds}床"
    return value or "—"


def diff_rows(change_request):
    """[(key, label, before, after)] of the fields the request would change."""
    names = {
        "capabilities": dict(Capability.objects.values_list("pk", "name")),
        "areas_served": dict(Area.objects.values_list("pk", "name")),
    }
    return [
        (
            key,
            label(key),
            display(key, change_request.before.get(key, ""), names),
            _list_change(key, change_request.before.get(key) or [], change_request.proposed[key], names)
            if key in ("capabilities", "areas_served")
            else display(key, change_request.proposed[key], names),
        )
        for key in change_request.changed_keys
    ]


def _list_change(key, before, after, names):
    """「追加: 緩和ケア　削除: 往診」: what a list's change adds and takes away, since two long lists
    side by side hide the one item that differs."""
    table = names.get(key, {})
    added = [table.get(pk, str(pk)) for pk in after if pk not in before]
    removed = [table.get(pk, str(pk)) for pk in before if pk not in after]
    parts = [f"追加: {'、'.join(added)}" if added else "", f"削除: {'、'.join(removed)}" if removed else ""]
    return "　".join(part for part in parts if part) or display(key, after, names)


# --- links -----------------------------------------------------------------------------------


# What the admin must set when no center can be named on a letter or an email.
NO_SENDING_CENTER = (
    "差出人のセンターが決まりません。管理画面で、この施設の「地域」を設定するか、"
    "その地域を担当するセンターの「担当地域」を設定してください。"
)


class SendingCenters:
    """The center a link's letter or email comes from, to which the facility answers (FAX,
    phone): the center covering the facility's area or the nearest area above it (a 圏域's ward),
    else the center of the user who issued the link, else None. The areas and the centers are
    read once, so a round's emails ask no query per link."""

    def __init__(self):
        self._areas = None

    def _load(self):
        self._parents = dict(Area.objects.values_list("pk", "parent_id"))
        today = timezone.localdate()
        centers = list(Center.objects.prefetch_related("areas").order_by("sort_order", "code", "pk"))
        self._centers = {c.pk: c for c in centers}
        self._areas = {}
        for center in centers:
            if center.closed_on and center.closed_on < today:
                continue  # a closed center no longer answers
            for area in center.areas.all():
                self._areas.setdefault(area.pk, center)

    def for_link(self, link):
        issuer = link.created_by if link.created_by_id else None
        return self.for_area(link.facility.area_id, issuer.center_id if issuer else None)

    def for_area(self, area_id, issuer_center_id=None):
        """The center for a facility in `area_id` whose link was issued by a user of
        `issuer_center_id` (None: no area, no center)."""
        if self._areas is None:
            self._load()
        seen = set()
        while area_id is not None and area_id not in seen:
            if area_id in self._areas:
                return self._areas[area_id]
            seen.add(area_id)
            area_id = self._parents.get(area_id)
        return self._centers.get(issuer_center_id)


def links_without_sender(links):
    """How many of `links` (a queryset) name no sending center: their letters and emails would
    go out with nobody to answer to. Three queries whatever the number of links."""
    senders = SendingCenters()
    rows = links.values_list("facility__area_id", "created_by__center_id")
    return sum(1 for area_id, center_id in rows if senders.for_area(area_id, center_id) is None)


def sending_center(link):
    return SendingCenters().for_link(link)


def center_gaps(center):
    """What the admin must still set before the center's letter can be answered (a sentence),
    or "" when its name, phone and FAX are all there."""
    if center is None:
        return NO_SENDING_CENTER
    missing = [label for label, value in (("電話番号", center.phone), ("FAX番号", center.fax)) if not value]
    if missing:
        return f"「{center.name}」の{'・'.join(missing)}が登録されていません。管理画面の「連携支援センター」で登録してください。"
    return ""


def link_url(link, request=None, base_url=""):
    """The full address of the link: from the request when there is one (the address people
    reach the portal by), else the address the queuing request was reached by (the task worker),
    else PORTAL_BASE_URL (the command, seed_demo)."""
    path = reverse("resources:update_form", args=[link.token])
    if request is not None and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(path)
    return (base_url or settings.PORTAL_BASE_URL).rstrip("/") + path


def current_link(facility, contact="", user=None, round=None, email=""):
    """The active link of the facility for this contact, issued if there is none (a revoked or
    expired one gives way to a new one)."""
    with transaction.atomic():
        Facility.objects.select_for_update().filter(pk=facility.pk).first()
        link = UpdateLink.objects.active().filter(facility=facility, contact=contact).first()
        if link:
            changed = []
            if round is not None and link.round_id != round.pk:
                link.round, changed = round, [*changed, "round"]
            if email and link.email != email:
                link.email, changed = email, [*changed, "email"]
            if changed:
                link.save(update_fields=changed)
            return link
        # An expired link still holds the contact's place in the unique constraint: retire it.
        UpdateLink.objects.filter(facility=facility, contact=contact, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        link = UpdateLink.objects.create(
            facility=facility,
            contact=contact,
            email=email or facility.contact_email,
            created_by=user,
            round=round,
        )
        audit(None, CREATE, link, "更新用リンクを発行", user=user)
        return link


def issue_link(request, facility, contact, email):
    with transaction.atomic():
        link = current_link(facility, contact, request.user, email=email)
        audit(request, UPDATE, facility, f"更新用リンク（{contact or '担当者'}）")
    return link


def revoke_link(request, link):
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit(request, UPDATE, link, "更新用リンクを無効化")


def open_link(token):
    """The active link of a token (first opening stamped), or None."""
    link = UpdateLink.objects.active().select_related("facility__kind").filter(token=token).first()
    if link and link.opened_at is None:
        UpdateLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    return link


def closed_link(token):
    """The live link of a token whose entry has been closed or merged since (so not active), or
    None. Its page says so and shows no form; nothing is stamped, since the link leads nowhere."""
    return (
        UpdateLink.objects.of_closed_facility()
        .select_related("facility__merged_into", "created_by")
        .filter(token=token)
        .first()
    )


def _japanese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def closed_note(facility):
    """What became of a closed entry, short (the change requests' list): 「廃止（2026年12月2日・「◯◯」に統合）」."""
    merged = f"・「{facility.merged_into.name}」に統合" if facility.merged_into_id else ""
    return f"廃止（{_japanese_date(facility.closed_on)}{merged}）"


def closed_refusal(facility):
    """Why a closed entry's change request cannot be approved, and what to do instead."""
    when = _japanese_date(facility.closed_on)
    if facility.merged_into_id:
        kept = facility.merged_into.name
        return (
            f"「{facility.name}」は重複のため「{kept}」に統合し、{when}に廃止した施設です。"
            "廃止した施設の情報は書き換えないため、承認できません。"
            f"変更が必要なら「{kept}」の施設のページで直し、この申請は却下してください。"
        )
    return (
        f"「{facility.name}」は{when}に廃止した施設です。廃止した施設の情報は書き換えないため、承認できません。"
        "この申請は却下してください。"
    )


class FacilityClosed(Exception):
    """A change request of an entry closed or merged after the facility sent it: approving it
    would write the answer (and a 最終確認日) into an entry no longer in the directory."""


def send_link(request, link, reminder=False):
    """Emails the link to its address (one link, from its page). Returns False when the link has
    no address."""
    if not link.email:
        return False
    with transaction.atomic():
        _email_link(link, link_url(link, request), reminder)
        now = timezone.now()
        if reminder:
            link.reminded_at = now
        elif link.sent_at is None:
            link.sent_at = now
        link.save(update_fields=["sent_at", "reminded_at"])
        audit(request, UPDATE, link, "督促メール" if reminder else "更新用リンクをメールで送付")
    return True


def _email_link(link, url, reminder, centers=None):
    center = (centers or SendingCenters()).for_link(link)
    context = {"link": link, "facility": link.facility, "url": url, "reminder": reminder, "center": center}
    subject = ("【再送】" if reminder else "") + f"施設情報の確認のお願い（{link.facility.name}）"
    send_mail(
        subject,
        render_to_string("resources/email/update_link.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [link.email],
    )


# --- a round's emails, in the background --------------------------------------------------------


def queue_mailing(request, round_, kind):
    """Queues the sending of a round's emails (its links, or the reminders due) for the task
    worker. One sending per round at a time: None while another is queued or running (unless that
    one's worker was lost)."""
    with transaction.atomic():
        round_ = ConfirmationRound.objects.select_for_update().get(pk=round_.pk)
        running = list(round_.mailings.filter(status__in=RUNNING_MAILING))
        if any(not m.is_stale for m in running):
            return None
        # A sending whose worker was lost gives way; the links it sent stay stamped as sent.
        RoundMailing.objects.filter(pk__in=[m.pk for m in running]).update(
            status=RoundMailing.Status.FAILED, failure="処理が止まったため、新しい送信に引き継ぎました。"
        )
        mailing = RoundMailing.objects.create(
            round=round_,
            kind=kind,
            base_url=request.build_absolute_uri("/") if request is not None else "",
            requested_by=request.user if request is not None and request.user.is_authenticated else None,
            phase="送信の順番を待っています",
        )
        audit(request, CREATE, mailing, mailing.get_kind_display())
    # After the commit: the queue is a table of the same database, and the worker must find
    # the mailing row (and, at a round's start, its links) when it picks the task up.
    send_round_mail.enqueue(mailing.pk)
    return mailing


def mailing_links(mailing):
    """The links a sending covers: the active links of the round with an address and not sent yet,
    or (reminders) the ones due for a reminder."""
    if mailing.kind == RoundMailing.Kind.REMINDERS:
        return due_for_reminder(mailing.round).exclude(email="")
    return mailing.round.links.active().filter(sent_at__isnull=True).exclude(email="")


@task
def send_round_mail(mailing_pk):
    """The background task behind a round's emails."""
    claimed = RoundMailing.objects.filter(pk=mailing_pk, status=RoundMailing.Status.QUEUED).update(
        status=RoundMailing.Status.RUNNING, phase="送信しています", heartbeat=timezone.now()
    )
    if not claimed:
        return  # another worker has it
    mailing = RoundMailing.objects.select_related("round", "requested_by").get(pk=mailing_pk)
    try:
        _run_mailing(mailing)
    except Exception as exc:  # the reason is shown on the round page; the trace goes to the log
        logger.exception("round mailing %s failed", mailing_pk)
        RoundMailing.objects.filter(pk=mailing_pk).update(
            status=RoundMailing.Status.FAILED, failure=failure_text(exc), heartbeat=timezone.now()
        )


def _run_mailing(mailing):
    reminder = mailing.kind == RoundMailing.Kind.REMINDERS
    ids = list(mailing_links(mailing).order_by("pk").values_list("pk", flat=True))
    done = sent = 0
    centers = SendingCenters()
    _report(mailing, done, len(ids), sent)
    for start in range(0, len(ids), MAIL_CHUNK):
        chunk = UpdateLink.objects.filter(pk__in=ids[start : start + MAIL_CHUNK]).select_related(
            "facility", "created_by"
        )
        for link in chunk.order_by("pk"):
            sent += _mail_round_link(mailing, link, reminder, centers)
            done += 1
        _report(mailing, done, len(ids), sent)
    RoundMailing.objects.filter(pk=mailing.pk).update(
        status=RoundMailing.Status.DONE, phase="完了しました", finished_at=timezone.now()
    )


def _report(mailing, done, total, sent):
    RoundMailing.objects.filter(pk=mailing.pk).update(
        done=done, total=total, sent=sent, heartbeat=timezone.now()
    )


def _mail_round_link(mailing, link, reminder, centers=None):
    """Sends one link of the sending, once: the link is stamped in one UPDATE before the email
    goes, so a retried or a second sending skips it; a failed email takes the stamp back."""
    field = "reminded_at" if reminder else "sent_at"
    if not UpdateLink.objects.filter(pk=link.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    ):
        return 0
    try:
        _email_link(link, link_url(link, base_url=mailing.base_url), reminder, centers)
    except Exception:
        UpdateLink.objects.filter(pk=link.pk).update(**{field: None})
        raise
    audit(
        None,
        UPDATE,
        link,
        "督促メール" if reminder else "更新用リンクをメールで送付",
        user=mailing.requested_by,
    )
    return 1


def mailing_progress(mailing):
    """The round page's progress as a dict (static/js/batch-progress.js polls it as JSON)."""
    return {
        "status": mailing.status,
        "status_label": mailing.get_status_display(),
        "phase": mailing.phase,
        "done": mailing.done,
        "total": mailing.total,
        "percent": mailing.percent,
        "running": mailing.is_running and not mailing.is_stale,
        "waiting": mailing.is_waiting_long,
    }


def mark_sent(request, link):
    """The coordinator says the letter or FAX sheet of one link went out."""
    return mark_all_sent(request, UpdateLink.objects.filter(pk=link.pk))


def mark_all_sent(request, links):
    """Records that the letters of `links` (a queryset: one sheet, or the page of a round's batch)
    went out by post or FAX, when the coordinator says so; opening or printing a letter is not
    sending it. Only the active links not sent yet are stamped, in one UPDATE, each with its audit
    entry; the rows are locked first, so two coordinators pressing at once stamp each link once.
    Returns how many were stamped."""
    with transaction.atomic():
        ids = list(
            links.active()
            .filter(sent_at__isnull=True)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        UpdateLink.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=timezone.now())
        for link in UpdateLink.objects.filter(pk__in=ids).select_related("facility").order_by("pk"):
            audit(request, UPDATE, link, "更新用リンクを手紙・FAXで送付")
    return len(ids)


# --- change requests -------------------------------------------------------------------------


def pending_answer(link):
    """The answer sent through this link that still waits for the center (the newest one), or
    None: a second send from the same link corrects it instead of adding another request."""
    return (
        link.change_requests.filter(status=ChangeRequest.Status.PENDING)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def submit(request, link, proposed=None, submitted_by="", message=""):
    """Records the facility's answer as a change request (proposed=None: 「変更なし」). An answer
    that changes nothing confirms the entry at once, with no coordinator needed.

    While an earlier answer of the same link waits for the center, the new one replaces it (the
    clerk who reopens her link corrects what she sent; the coordinator sees one request per link),
    and 「変更なし」 then withdraws the changes she sent."""
    facility = link.facility
    with transaction.atomic():
        # The link's row serialises two sends of the same link (a double tap, two tabs).
        UpdateLink.objects.select_for_update().filter(pk=link.pk).first()
        before = snapshot(facility)
        now = timezone.now()
        cr = pending_answer(link)
        replaced = cr is not None
        if cr is None:
            cr = ChangeRequest(facility=facility, link=link)
        cr.submitted_at, cr.submitted_by, cr.message = now, submitted_by, message
        cr.before, cr.proposed = before, before if proposed is None else proposed
        cr.save()
        UpdateLink.objects.filter(pk=link.pk).update(answered_at=now)
        if not cr.changed_keys:
            cr.status = ChangeRequest.Status.UNCHANGED
            cr.decided_at = now
            cr.save(update_fields=["status", "decided_at"])
            _confirm_by_facility(facility, cr)
        who = link.contact or "担当者"
        if not replaced:
            summary = f"施設からの回答（{who}）"
        elif cr.status == ChangeRequest.Status.UNCHANGED:
            summary = f"施設からの回答（{who}）: 承認待ちの変更を取り消し、変更なし"
        else:
            summary = f"施設からの回答（{who}）: 承認待ちの回答を送り直し"
        audit(request, UPDATE if replaced else CREATE, cr, summary, username="施設（更新用リンク）")
    return cr


def sent_rows(cr):
    """[(label, value sent)] of what an answer changes, for the facility's own pages (its form
    while the answer waits, and the page after sending)."""
    return [(name, after) for _key, name, _before, after in diff_rows(cr)]


class _SentWindow:
    """A ケアマネタイム row of a sent answer, shaped as a ContactWindow for windows.group_rows()."""

    def __init__(self, kind, weekday, start, end, method, note):
        self.kind, self.weekday, self.method, self.note = kind, weekday, method, note
        self.start, self.end = datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)


def sent_windows(cr):
    return [_SentWindow(*row) for row in cr.proposed.get("windows", [])]


def answered_by(cr):
    """施設の回答（更新用リンク）: the name the facility gave, for the facility's history."""
    name = cr.submitted_by or (cr.link.contact if cr.link_id else "") or "担当者"
    # A request with no link came from a survey's answers (the 空床状況調査).
    how = "更新用リンク" if cr.link_id else "調査への回答"
    return f"施設の回答（{how}）: {name}"[:150]


def _confirm_by_facility(facility, cr, approver=None):
    """最終確認日 = the day the facility answered (and its 受入状況 stated that day)."""
    on = timezone.localdate(cr.submitted_at)
    fields = []
    if facility.confirmed_on is None or facility.confirmed_on <= on:
        facility.confirmed_on, facility.confirmed_by = on, None
        fields += ["confirmed_on", "confirmed_by"]
    if facility.accepting == cr.proposed.get("accepting") and (
        facility.accepting_stated_on is None or facility.accepting_stated_on <= on
    ):
        facility.accepting_stated_on = on  # the facility stated its 受入状況 that day
        fields.append("accepting_stated_on")
    if fields:
        facility.save(update_fields=[*fields, "updated_at"])
    # The capabilities are not restated here: an approval dates the ones it adds (approve()), and
    # the ones the answer left as they were keep their own date and source (an import's row stays
    # 「公表データの取込」 without a date it never had).
    FacilityChange.objects.create(
        facility=facility,
        user=approver,
        actor=answered_by(cr),
        action=FacilityChange.Action.CONFIRM,
        fields=["施設からの回答で確認"],
    )
    # The facility's own answer is the re-check the consultation window asked for.
    Recheck.objects.filter(facility=facility, closed_at__isnull=True, created_at__lte=cr.submitted_at).update(
        closed_at=timezone.now(), closing_note=f"施設の回答（{on:%Y-%m-%d}）で確認"
    )


def approve(request, cr, keys, reason=""):
    """Applies the chosen keys of a pending request (all of them: 承認, some: 一部承認) and
    confirms the entry as of the submission date. `reason`: why the other keys were left out
    (a partial approval only), shown beside them on the request's page."""
    with transaction.atomic():
        cr = ChangeRequest.objects.select_for_update().get(pk=cr.pk)
        if cr.status != ChangeRequest.Status.PENDING:
            return None
        keys = [k for k in cr.changed_keys if k in set(keys)]
        facility = Facility.objects.select_for_update().get(pk=cr.facility_id)
        if facility.closed_on:
            # Checked under the lock: an entry merged while the coordinator read the request.
            raise FacilityClosed(closed_refusal(facility))
        on = timezone.localdate(cr.submitted_at)
        plain = [k for k in keys if k in TEXT_FIELDS]
        old_address = facility.address
        for key in plain:
            setattr(facility, key, cr.proposed[key])
        followed = []
        if "address" in plain:
            # The facility gives no position or area: both follow the new address.
            old_area = facility.area_id
            followed = geo.follow_address(facility, old_address)
            if facility.area_id != old_area:
                plain.append("area")  # an import leaves the area as the answer set it
        facility.mark_manual(plain)
        facility.updated_by = request.user
        facility.save()
        if "windows" in keys:
            window_rows.replace(facility, [tuple(w) for w in cr.proposed["windows"]])
        if "areas_served" in keys:
            facility.areas_served.set(cr.proposed["areas_served"])
        if "capabilities" in keys:
            wanted = set(cr.proposed["capabilities"])
            links = FacilityCapability.objects.filter(facility=facility)
            links.exclude(capability_id__in=wanted).delete()
            have = set(links.values_list("capability_id", flat=True))
            FacilityCapability.objects.bulk_create(
                FacilityCapability(facility=facility, capability_id=pk, source="facility", stated_on=on)
                for pk in wanted - have
            )
        for key in keys:
            if key.startswith(VACANCY_PREFIX):
                service_id = int(key[len(VACANCY_PREFIX) :])
                beds, stated = cr.proposed[key]
                if beds is None:
                    Vacancy.objects.filter(facility=facility, service_id=service_id).delete()
                else:
                    Vacancy.objects.update_or_create(
                        facility=facility,
                        service_id=service_id,
                        defaults={
                            "beds": beds,
                            "stated_on": datetime.date.fromisoformat(stated) if stated else on,
                        },
                    )
        if keys:
            FacilityChange.objects.create(
                facility=facility,
                user=request.user,
                actor=answered_by(cr),
                action=FacilityChange.Action.UPDATE,
                fields=[label(k) for k in keys] + followed,
            )
        all_keys = len(keys) == len(cr.changed_keys)
        cr.status = ChangeRequest.Status.APPROVED if all_keys else ChangeRequest.Status.PARTLY
        cr.approved_fields = keys
        cr.reason = "" if all_keys else reason[:300]
        cr.decided_at, cr.decided_by = timezone.now(), request.user
        cr.save(update_fields=["status", "approved_fields", "reason", "decided_at", "decided_by"])
        _confirm_by_facility(facility, cr, approver=request.user)
        detail = f"{cr.get_status_display()}: {'、'.join(label(k) for k in keys) or 'なし'}"
        audit(request, UPDATE, cr, f"{detail}（反映しない理由: {cr.reason}）" if cr.reason else detail)
    return cr


def reject(request, cr, reason):
    with transaction.atomic():
        cr = ChangeRequest.objects.select_for_update().get(pk=cr.pk)
        if cr.status != ChangeRequest.Status.PENDING:
            return None
        cr.status, cr.reason = ChangeRequest.Status.REJECTED, reason
        cr.decided_at, cr.decided_by = timezone.now(), request.user
        cr.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        audit(request, UPDATE, cr, f"却下: {reason}")
    return cr


# --- rounds ----------------------------------------------------------------------------------


def start_round(request, name, facilities, kind=None, area=None, remind_after_days=21):
    """A round over the facilities: each gets its link (emailed by the task worker where it has
    an address; the rest are printed as letters from the round page). Returns (round,
    facilities, emails queued, facilities left to the open round that already asks them)."""
    user = request.user
    with transaction.atomic():
        round_ = ConfirmationRound.objects.create(
            name=name,
            kind=kind,
            area=area,
            remind_after_days=remind_after_days,
            started_by=user,
            # The starter's center runs it (an admin without a center: admins only).
            center_id=user.center_id,
        )
        # In bulk: a city's round covers thousands of facilities. A facility already asked by a
        # round still open stays with that round (its answers count there); the others get a new
        # link, so that the round's 送付 / 開封 / 回答 start from nothing, and their earlier general
        # link is retired.
        in_open_round = set(
            UpdateLink.objects.filter(round__closed_at__isnull=True, revoked_at__isnull=True)
            .exclude(round=round_)
            .exclude(round__isnull=True)
            .values_list("facility_id", flat=True)
        )
        targets = {
            pk: email
            for pk, email in facilities.values_list("pk", "contact_email")
            if pk not in in_open_round
        }
        skipped = len(in_open_round & set(facilities.values_list("pk", flat=True)))
        UpdateLink.objects.filter(facility_id__in=targets, contact="", revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        UpdateLink.objects.bulk_create(
            UpdateLink(facility_id=pk, email=email, created_by=user, round=round_)
            for pk, email in targets.items()
        )
        audit(request, CREATE, round_, f"{len(targets)}施設")
    to_mail = sum(1 for email in targets.values() if email)
    if to_mail:
        queue_mailing(request, round_, RoundMailing.Kind.LINKS)
    return round_, len(targets), to_mail, skipped


def round_counts(round_):
    """送付済 / 未送付 / 開封 / 回答（変更あり・変更なし） / 未回答 and the response rate of a round, in one
    query."""
    per_link = {}
    for link_id, sent, opened, answered, status in round_.links.values_list(
        "pk", "sent_at", "opened_at", "answered_at", "change_requests__status"
    ).order_by("pk"):
        entry = per_link.setdefault(
            link_id, {"sent": sent, "opened": opened, "answered": answered, "statuses": set()}
        )
        if status:
            entry["statuses"].add(status)
    total = len(per_link)
    answered = [e for e in per_link.values() if e["answered"]]
    unchanged = sum(1 for e in answered if not UpdateLink.answer_changed(e["statuses"]))
    return {
        "total": total,
        "sent": sum(1 for e in per_link.values() if e["sent"]),
        "unsent": sum(1 for e in per_link.values() if not e["sent"]),
        "opened": sum(1 for e in per_link.values() if UpdateLink.first_opened(e["opened"], e["answered"])),
        "answered": len(answered),
        "changed": len(answered) - unchanged,
        "unchanged": unchanged,
        "unanswered": total - len(answered),
        "rate": round(100 * len(answered) / total) if total else 0,
    }


def freshness():
    """(by kind, by area): [(name, facilities, confirmed within FACILITY_FRESH_DAYS, %)] of the open
    directory, one query each: how true the directory is today, beside the rounds that keep it so."""

    since = timezone.localdate() - datetime.timedelta(days=settings.FACILITY_FRESH_DAYS)
    fresh = Count("pk", filter=Q(confirmed_on__gte=since))

    def rows(field, names, order):
        """Grouped by `field` (an id), named and ordered as the kinds' and the areas' own lists;
        facilities without one last."""
        values = Facility.objects.open().values(field).annotate(n=Count("pk"), fresh=fresh).order_by()
        values = sorted(
            (row for row in values if row["n"]), key=lambda row: order.get(row[field], len(order))
        )
        return [
            (
                names.get(row[field], "（地域なし）"),
                row["n"],
                row["fresh"],
                round(100 * row["fresh"] / row["n"]),
            )
            for row in values
        ]

    kinds = list(FacilityKind.objects.order_by("sort_order", "name", "pk").values_list("pk", "name"))
    areas = [area for area, _depth in Area.tree()]  # the city's order: 区, then its 圏域
    by_kind = rows("kind_id", dict(kinds), {pk: i for i, (pk, _name) in enumerate(kinds)})
    by_area = rows("area_id", {a.pk: a.name for a in areas}, {a.pk: i for i, a in enumerate(areas)})
    return by_kind, by_area


def answers_by_year(rounds=None):
    """The rounds kept over the years: [(年度, kind name, asked, answered, %)], newest year first,
    from the links each round handed out (two queries: the links grouped by round and kind, and
    the rounds' start dates, since a 年度 is not a calendar year). `rounds`: the rounds to count
    (the user's center's on the rounds page), else every round."""

    rounds = ConfirmationRound.objects.all() if rounds is None else rounds
    started = dict(rounds.values_list("pk", "started_at"))
    totals = {}
    grouped = (
        UpdateLink.objects.filter(round__in=rounds.values("pk"))
        .values("round_id", "facility__kind__sort_order", "facility__kind__name")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    for row in grouped:
        year = fiscal_year(timezone.localtime(started[row["round_id"]]).date())
        kind = (row["facility__kind__sort_order"] or 0, row["facility__kind__name"] or "（種別なし）")
        entry = totals.setdefault((year, kind), [0, 0])
        entry[0] += row["asked"]
        entry[1] += row["answered"]
    # Newest year first; within a year, the kinds in their own order (as the freshness table).
    return [
        (year, kind[1], asked, answered, round(100 * answered / asked) if asked else 0)
        for (year, kind), (asked, answered) in sorted(
            totals.items(), key=lambda item: (-item[0][0], item[0][1])
        )
    ]


def due_for_reminder(round_, now=None):
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round_.remind_after_days)
    return (
        round_.links.active()
        .filter(answered_at__isnull=True, sent_at__lte=cutoff, reminded_at__isnull=True)
        .select_related("facility")
    )


def send_reminders(request, round_):
    """Queues the reminders of the links sent N days ago and still unanswered (each once).
    Returns how many are due, or None when a sending of the round is still running."""
    due = due_for_reminder(round_).exclude(email="").count()
    if not due:
        return 0
    return due if queue_mailing(request, round_, RoundMailing.Kind.REMINDERS) else None


def close_round(request, round_):
    """Closes the round; the entries that never answered lose their 最終確認日 (未確認), so the
    directory says so."""
    with transaction.atomic():
        round_ = ConfirmationRound.objects.select_for_update().get(pk=round_.pk)
        if round_.closed_at:
            return 0
        # A closed or merged entry is left as it is: its links stopped, and it is no longer
        # in the directory to be flagged 未確認.
        silent = (
            Facility.objects.open()
            .filter(update_links__round=round_, update_links__answered_at__isnull=True)
            .distinct()
        )
        ids = list(silent.values_list("pk", flat=True))
        Facility.objects.filter(pk__in=ids).update(confirmed_on=None, confirmed_by=None)
        FacilityChange.objects.bulk_create(
            FacilityChange(
                facility_id=pk,
                user=request.user,
                action=FacilityChange.Action.UPDATE,
                fields=[f"再調査「{round_.name}」に未回答（未確認）"],
            )
            for pk in ids
        )
        round_.links.filter(answered_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        round_.closed_at = timezone.now()
        round_.save(update_fields=["closed_at"])
        audit(request, UPDATE, round_, f"締切: 未回答 {len(ids)}施設を未確認に")
    return len(ids)


# --- re-checks -------------------------------------------------------------------------------


def open_recheck(
    request, facility, reason, detail="", origin="", origin_url="", origin_key="", center=None, heard_on=None
):
    """Puts the facility on the re-check list (once per origin and reason while open). `heard_on`:
    the day the facility said it, when the caller knows (a 連絡調整's 連絡日時)."""
    with transaction.atomic():
        existing = Recheck.objects.filter(
            facility=facility, reason=reason, origin_key=origin_key, closed_at__isnull=True
        ).first()
        if existing and origin_key:
            # The same call corrected (its 連絡日時 edited), or a later one of the same
            # consultation: the re-check reads the day last told.
            if heard_on and existing.heard_on != heard_on:
                existing.heard_on = heard_on
                existing.save(update_fields=["heard_on"])
                audit(request, UPDATE, existing, f"{origin}\n聞いた日: {heard_on:%Y-%m-%d}")
            return existing
        recheck = Recheck.objects.create(
            facility=facility,
            reason=reason,
            detail=detail[:300],
            origin=origin,
            origin_url=origin_url,
            origin_key=origin_key,
            center=center,
            heard_on=heard_on,
            created_by=request.user if request and request.user.is_authenticated else None,
        )
        audit(request, CREATE, recheck, origin)
    return recheck


def own_center_rows(user):
    """What the re-check list and the change requests show a coordinator by default
    (「自センターの地域」): the rows of facilities in the areas its center keeps
    (coordination.models.looked_after_area_ids) or in no area. Every coordinator may still open
    them all (「すべて」): the directory is one, edited by every center's staff. None (no filter)
    for admins, and for a center that covers no area."""
    if user.role != Role.COORDINATOR or not user.center_id:
        return None
    ids = looked_after_area_ids(user.center_id)
    if ids is None:
        return None
    return Q(facility__area_id__in=ids) | Q(facility__area__isnull=True)


def own_center_rechecks(user, own=None):
    """The re-check list's 「自センターの地域」: own_center_rows (or `own`, already read), and the
    re-checks this center's own calls opened wherever the facility is (a 受入停止 heard on its
    consultation about a facility in another center's area is its to answer)."""
    own = own_center_rows(user) if own is None else own
    return None if own is None else own | Q(center_id=user.center_id)


def dashboard_rechecks(request):
    """The home page's directory panel: for the staff who keep the directory, how many facilities
    wait on the re-check list (a care manager's report, a 連絡調整 that found a wrong number) and
    how many facilities' answers wait for approval (変更申請), counted as the lists show them by
    default (a coordinator's: its own center's areas)."""
    if not can_edit_directory(request.user):
        return {}
    own = own_center_rows(request.user)
    rechecks = Recheck.objects.filter(closed_at__isnull=True)
    changes = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
    if own is not None:
        rechecks, changes = rechecks.filter(own_center_rechecks(request.user, own)), changes.filter(own)
    return {"open_rechecks": rechecks.count(), "pending_changes": changes.count()}


def report_error(request, facility, text):
    """A signed-in user's report that the facility's entry is wrong: on the re-check list as
    情報誤り, with who reported it, for the center of the facility's area (the one whose staff
    check it; else the reporter's own). The entry itself is left for the staff to correct."""
    user = request.user
    who = f"{user}（{user.affiliation or user.get_role_display()}）"
    return open_recheck(
        request,
        facility,
        Recheck.Reason.WRONG,
        detail=text,
        origin=f"利用者からの報告: {who}",
        center=SendingCenters().for_area(facility.area_id, user.center_id),
    )


def close_recheck(request, recheck, note):
    # No request for the demo's seeding (a newer 受入可 answering a 受入停止 it plants).
    user = request.user if request is not None and request.user.is_authenticated else None
    with transaction.atomic():
        recheck.closed_at, recheck.closed_by, recheck.closing_note = timezone.now(), user, note[:300]
        recheck.save(update_fields=["closed_at", "closed_by", "closing_note"])
        audit(request, UPDATE, recheck, f"再確認済み: {note}")


def close_rechecks_by_edit(request, facility, ids, changed):
    """The staff corrected the entry on its edit form and ticked the open re-checks the
    correction answers: each is closed with what was changed, so the list does not keep asking.
    A save that changed nothing answers nothing (the re-checks stay open). Returns how many closed."""
    ids = [int(pk) for pk in ids if str(pk).isdigit()]
    if not changed or not ids:
        return 0
    what = "、".join(changed)
    rechecks = list(facility.rechecks.select_for_update().filter(pk__in=ids, closed_at__isnull=True))
    for recheck in rechecks:
        close_recheck(request, recheck, f"名簿を修正した（{what}）")
    return len(rechecks)


# What a 受入停止 re-check's one-click answer did (record_stopped).
STOPPED_RECORDED, ALREADY_CLOSED, NEWER_STATEMENT = "recorded", "closed", "newer"


def record_stopped(request, recheck):
    """「受入状況を受入停止中にする」 on a re-check from a 連絡調整 that heard the facility has
    stopped taking new clients: the entry's 新規受入状況 becomes 受入停止中 as of the day of that
    call (a person heard it from the facility), its history says so, and the re-check is closed.
    Nothing is written when the re-check was closed meanwhile (a second click) or when the
    facility has stated its status since the call (its newer word stands). Returns the outcome."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=recheck.facility_id)
        locked = Recheck.objects.select_for_update().filter(pk=recheck.pk, closed_at__isnull=True).first()
        if locked is None:
            return ALREADY_CLOSED
        # Dated by the call, not by the day it was logged (older re-checks know only the latter).
        heard_on = locked.heard_date
        if facility.accepting_stated_on and facility.accepting_stated_on > heard_on:
            return NEWER_STATEMENT
        facility.accepting, facility.accepting_stated_on = Facility.Accepting.NO, heard_on
        facility.updated_by = request.user
        facility.mark_manual(["accepting", "accepting_stated_on"])
        facility.save(
            update_fields=["accepting", "accepting_stated_on", "updated_by", "manual_fields", "updated_at"]
        )
        # The history is shown to every professional: it names the center, not the consultation
        # (that stays in the audit log, for the staff).
        FacilityChange.objects.create(
            facility=facility,
            user=request.user,
            action=FacilityChange.Action.UPDATE,
            fields=[Facility._meta.get_field("accepting").verbose_name],
            actor="連携支援センター（連絡調整で聞き取り）",
        )
        audit(request, UPDATE, facility, f"新規受入状況: 受入停止中（{recheck.origin}）")
        # Other calls that heard the same are answered by the same change.
        note = f"受入状況を受入停止中にした（{heard_on:%Y-%m-%d}の連絡調整）"
        for same in facility.rechecks.filter(reason=Recheck.Reason.STOPPED, closed_at__isnull=True):
            close_recheck(request, same, note)
    return STOPPED_RECORDED


def close_stopped_rechecks(request, facility, day, note, heard_before=None):
    """A later call heard the facility accepting again (受入可 on `day`): its open 受入停止
    re-checks heard on or before that day are answered by it, so the list no longer offers to
    publish a stop the facility has since lifted. One heard after `day` stays (newer news).
    `heard_before(recheck)`: the caller's finer answer (it knows the calls' times) for those
    heard on or before `day`. Runs in the caller's transaction; each closing is audited.
    Returns how many closed."""
    with transaction.atomic():
        rechecks = facility.rechecks.select_for_update().filter(
            reason=Recheck.Reason.STOPPED, closed_at__isnull=True
        )
        closed = 0
        for recheck in rechecks:
            if recheck.heard_date <= day and (heard_before is None or heard_before(recheck)):
                close_recheck(request, recheck, note)
                closed += 1
    return closed
