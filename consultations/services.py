"""Every write of the consultation log, one function each: a consultation (create or update), a
連絡調整 row (add, edit, delete), a consent and a third-party provision.

Each runs in one transaction, recounts the 月報 tallies of the days it touched
(consultations/tallies.py) and writes its audit entry (coordination.security.audit), so that a
tally or an audit entry cannot be forgotten by one path. Forms only validate; views call these.
The import of past logs (consultations/importing.py) is the one other writer."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from consultations import reference, tallies
from consultations.models import (
    Consultation,
    ConsultationTopic,
    Coordination,
    MonthClosing,
    Provision,
    Topic,
)
from consultations.reports import Report, month_period
from coordination import dates
from coordination.models import Role
from coordination.security import CREATE, DELETE, UPDATE, audit
from resources import updates as directory_updates
from resources.models import Recheck

# Fields whose values identify or describe the client or the caller. The audit log keeps for
# five years which of them changed and who changed them, never the values themselves.
PERSONAL_FIELDS = {
    "consultant_name",
    "consultant_org",
    "client_age",
    "client_sex",
    "client_area",
    "client_care_level",
    "client_condition",
    "summary",
    "response",
    "result",
}

# The 相談内容 item a consultation with 連絡調整 rows is counted under (大阪市's format).
COORDINATION_TOPIC = "連絡調整"


def audit_changes(form):
    """「項目: 旧 → 新」 for the other fields, the bare label for a personal one."""
    lines = []
    for name in form.changed_data:
        field = form.fields.get(name)
        label = field.label if field else name
        if name in PERSONAL_FIELDS:
            lines.append(f"{label}: 変更あり")
            continue
        before, after = form.initial.get(name, ""), form.cleaned_data.get(name, "")
        if isinstance(after, (list, tuple)) or hasattr(after, "all"):
            after, before = "、".join(str(a) for a in after), ""
        lines.append(f"{label}: {before!s:.60} → {after!s:.60}")
    return "\n".join(lines)


def _day(consultation):
    return (consultation.center_id, tallies.day_of(consultation.received_at))


class AlreadySaved(Exception):
    """The new-consultation form was sent before (its token is on `consultation`): nothing new
    was written."""

    def __init__(self, consultation):
        super().__init__(consultation.pk)
        self.consultation = consultation


def _saved_from(token):
    return Consultation.objects.filter(submission_token=token).first()


def _insert_once(consultation, token):
    """Saves a new consultation whose form carried `token`, unless one was saved from that form
    already. The check finds the usual resend (browser Back, then 保存する); the unique constraint
    settles two sends arriving together: the later insert fails inside its own savepoint, so the
    enclosing transaction stays usable to read the row that won."""
    earlier = _saved_from(token)
    if earlier:
        raise AlreadySaved(earlier)
    consultation.submission_token = token
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError:
        earlier = _saved_from(token)
        if earlier is None:
            raise
        raise AlreadySaved(earlier) from None


def save_consultation(request, form):
    """Creates or updates the consultation of a valid ConsultationForm with its topics. Returns
    None (and writes nothing) when somebody else saved it since the form was opened; raises
    AlreadySaved (and writes nothing) when this new-consultation form was saved already."""
    user = request.user
    with transaction.atomic():
        consultation = form.save(commit=False)
        creating = consultation.pk is None
        token = form.cleaned_data.get("submission_token") if creating else None
        if user.role == Role.COORDINATOR:
            consultation.center_id = user.center_id
        consultation.consultant_facility = form.linked_facility
        consultation.consultant_affiliation = (
            "" if form.linked_facility else form.cleaned_data["consultant_org"]
        )
        consultation.updated_by = user
        touched = set()
        if not creating:
            before = (
                Consultation.objects.filter(pk=consultation.pk).values_list("center_id", "received_at").get()
            )
            touched.add((before[0], tallies.day_of(before[1])))
            claimed = Consultation.objects.filter(
                pk=consultation.pk, version=form.cleaned_data["version"]
            ).update(version=F("version") + 1)
            if not claimed:
                return None
            consultation.version = form.cleaned_data["version"] + 1
        if token:
            _insert_once(consultation, token)
        else:
            consultation.save()
        wanted = set(form.cleaned_data["topic_ids"])
        ConsultationTopic.objects.filter(consultation=consultation).exclude(topic_id__in=wanted).delete()
        have = set(
            ConsultationTopic.objects.filter(consultation=consultation).values_list("topic_id", flat=True)
        )
        ConsultationTopic.objects.bulk_create(
            [ConsultationTopic(consultation=consultation, topic_id=t) for t in wanted - have]
        )
        touched.add(_day(consultation))
        tallies.recount_days(touched)
        audit(request, CREATE if creating else UPDATE, consultation, "" if creating else audit_changes(form))
    return consultation


def mark_followed_up(request, consultation):
    """「フォロー済み」: the consultation's 次回フォロー日 is cleared, so that it leaves the home
    panel and the list's 「フォロー期日が来ているもの」 (its status stays as it is: a case closed
    with a call-back day is still closed). Counts as an edit (the version moves on, so a form
    opened before is refused rather than writing the date back). Returns the date cleared, or None
    when there was none (sent twice, or cleared meanwhile): nothing is written then."""
    with transaction.atomic():
        day = (
            Consultation.objects.select_for_update()
            .filter(pk=consultation.pk)
            .values_list("follow_up_on", flat=True)
            .get()
        )
        if day is None:
            return None
        Consultation.objects.filter(pk=consultation.pk).update(
            follow_up_on=None, version=F("version") + 1, updated_by=request.user, updated_at=timezone.now()
        )
        consultation.refresh_from_db()
        audit(request, UPDATE, consultation, f"次回フォロー日: {day:%Y/%m/%d} → フォロー済み（日付を消去）")
    return day


def _ensure_coordination_topic(consultation):
    """A consultation with 連絡調整 rows is one under the 連絡調整 item: the topic and the rows
    then never disagree on whether coordination happened."""
    topic = Topic.objects.filter(parent=None, name=COORDINATION_TOPIC).first()
    if topic:
        ConsultationTopic.objects.get_or_create(consultation=consultation, topic=topic)


def add_coordination(request, consultation, form):
    """Records the 連絡調整 row of a valid CoordinationForm."""
    with transaction.atomic():
        row = form.save(commit=False)
        row.consultation, row.recorded_by = consultation, request.user
        row.save()
        _ensure_coordination_topic(consultation)
        tallies.recount_days({_day(consultation)})
        audit(request, CREATE, row, f"相談 #{consultation.pk}")
        recheck_facility(request, row)
        close_lifted_stops(request, row)
    return row


def _heard_on(row):
    """The day a 連絡調整 heard what it heard: its 連絡日時 in Asia/Tokyo (not the day it was logged)."""
    return timezone.localdate(row.contacted_at)


def _lifted_note(day):
    return f"{day.month}月{day.day}日の連絡調整で受入可と聞いたため終了"


def recheck_facility(request, row):
    """A row that says the directory is wrong (連絡不通, 情報誤り, 受入停止) puts its facility on
    the re-check list with the consultation and the day it was heard; the entry itself is left
    for a person to correct. A 受入停止 logged after a later call already heard 受入可 (a call
    written up days afterwards) is answered at once by that newer call, so it never offers to
    publish the stop. The calls' 連絡日時 are compared, as close_lifted_stops does, so the order
    the two calls are logged in does not change the outcome."""
    code = reference.recheck_reason(row.result, row.reason) if row.facility_id else None
    if code:
        consultation = row.consultation
        recheck = directory_updates.open_recheck(
            request,
            row.facility,
            code,
            detail=row.reason or row.note,
            origin=f"相談 #{consultation.pk}（{row.get_result_display()}）",
            origin_url=consultation.get_absolute_url(),
            origin_key=f"consultation:{consultation.pk}",
            center=consultation.center,
            heard_on=_heard_on(row),
        )
        if code == Recheck.Reason.STOPPED and recheck.closed_at is None:
            later = (
                Coordination.objects.filter(
                    facility_id=row.facility_id,
                    result=Coordination.Result.ACCEPTED,
                    contacted_at__gte=row.contacted_at,
                )
                .order_by("-contacted_at")
                .first()
            )
            if later:
                directory_updates.close_recheck(request, recheck, _lifted_note(_heard_on(later)))


def close_lifted_stops(request, row):
    """A 受入可 with a facility of the directory answers its open 受入停止 re-checks heard before
    this call: the stop is over, and one click on the list would otherwise publish 受入停止中 to
    every professional. The re-check keeps the day only; on the same day the stop's own call
    (its consultation's 受入停止 row) decides, so a stop heard that afternoon stays open after a
    morning's 受入可. Called inside the row's own transaction."""
    if row.facility_id and row.result == Coordination.Result.ACCEPTED:
        day = _heard_on(row)

        def heard_before(recheck):  # asked of those heard on or before `day`
            if recheck.heard_date < day or not recheck.origin_key.startswith("consultation:"):
                return True
            stop = (
                Coordination.objects.filter(
                    consultation_id=int(recheck.origin_key.split(":", 1)[1]),
                    facility_id=row.facility_id,
                    result=Coordination.Result.STOPPED,
                )
                .order_by("-contacted_at")
                .first()
            )
            return stop is None or stop.contacted_at <= row.contacted_at

        directory_updates.close_stopped_rechecks(
            request, row.facility, day, _lifted_note(day), heard_before=heard_before
        )


def update_coordination(request, row, form):
    with transaction.atomic():
        row = form.save()
        tallies.recount_days({_day(row.consultation)})
        audit(request, UPDATE, row, f"相談 #{row.consultation_id}\n{audit_changes(form)}")
        recheck_facility(request, row)
        close_lifted_stops(request, row)
    return row


def delete_coordination(request, row):
    consultation = row.consultation
    with transaction.atomic():
        audit(request, DELETE, row, f"相談 #{consultation.pk}")
        row.delete()
        tallies.recount_days({_day(consultation)})


def record_consent(request, consultation, form):
    """The consent of a valid ConsentForm. Its audit entry (Consent's str) does not name the
    person who consented: a name there would outlive the record."""
    with transaction.atomic():
        consent = form.save(commit=False)
        consent.consultation, consent.recorded_by = consultation, request.user
        consent.save()
        audit(request, CREATE, consent, f"相談 #{consultation.pk}")
    return consent


def record_provision(request, consultation, form):
    """A third-party provision of a valid ProvisionForm (which refuses one without consent)."""
    with transaction.atomic():
        provision = Provision.objects.create(
            consultation=consultation, recorded_by=request.user, **form.cleaned_data
        )
        audit(request, CREATE, provision, f"相談 #{consultation.pk}: {provision.items}")
    return provision


# --- 締め: a month submitted to the city ------------------------------------------------------


class ClosingError(ValueError):
    pass


def close_month(request, center, year, month, today=None, user=None):
    """Closes the month for the center: its report lines as they are now are stored as the
    submitted figures (who, when), and later edits to the month's records show against them.
    Refuses a month that has not ended or is closed already. `user` without a request: seed_demo."""
    user = user or request.user
    today = today or dates.today()
    check_closable(center, year, month, today, closed=False)
    with transaction.atomic():
        # The center's row is locked so that two coordinators closing at once make one closing.
        type(center).objects.select_for_update().filter(pk=center.pk).get()
        check_closable(center, year, month, today)
        lines = _submitted_lines(center, year, month, today)
        closing = MonthClosing.objects.create(
            center=center, year=year, month=month, submitted=lines, closed_by=user
        )
        audit(
            request,
            CREATE,
            closing,
            f"{center.code} {year}年{month}月を締めました（提出値 {len(lines)}行）",
            user=user,
        )
    return closing


def check_closable(center, year, month, today=None, closed=True):
    """Raises ClosingError when the month cannot be closed for the center: it has not ended, or
    (`closed`) the center has closed it already. The confirmation page asks it before offering the
    button; close_month asks again under the center's lock."""
    today = today or dates.today()
    if (year, month) >= (today.year, today.month):
        raise ClosingError(f"{year}年{month}月はまだ終わっていないため、締められません。")
    if closed and MonthClosing.objects.of_month(year, month).filter(center=center).exists():
        raise ClosingError(f"{center.name}の{year}年{month}月はすでに締めています。")


def _submitted_lines(center, year, month, today=None):
    """The center's report lines of the month as they are now: [区分, 項目, number]."""
    report = Report(month_period(year, month), [center], today=today).build()
    return [[line.section, line.label, line.total] for line in report.table()]


# Said when the closing a page showed has ended since (checked first, and again under the update).
STALE_CLOSING = "この締めはすでに解除または締め直しされています。画面を開き直してください。"


def resubmit_month(request, closing):
    """締め直す: the month's figures as they are now replace the submitted ones. The closing in
    force ends (reopened, reason 「締め直し（再提出）」) and a new one holds the new figures, so
    every submission stays on record with who submitted it and when. Refused when the figures
    have not changed since, or when the closing ended meanwhile."""
    user = request.user
    with transaction.atomic():
        # Same lock as close_month: one submission per center at a time.
        center = type(closing.center).objects.select_for_update().get(pk=closing.center_id)
        current = MonthClosing.objects.active().filter(pk=closing.pk).first()
        if current is None:
            raise ClosingError(STALE_CLOSING)
        lines = _submitted_lines(center, current.year, current.month)
        changed = current.changed_keys(lines)
        if not changed:
            raise ClosingError("提出値から変わっていないため、締め直す必要はありません。")
        # Only the closing still in force: an admin's 解除 committed meanwhile is not overwritten.
        ended = MonthClosing.objects.filter(pk=current.pk, reopened_at=None).update(
            reopened_at=timezone.now(), reopened_by=user, reopen_reason=MonthClosing.RESUBMITTED
        )
        if not ended:
            raise ClosingError(STALE_CLOSING)
        closing = MonthClosing.objects.create(
            center=center, year=current.year, month=current.month, submitted=lines, closed_by=user
        )
        audit(
            request,
            CREATE,
            closing,
            f"{center.code} {current.year}年{current.month}月を締め直しました（再提出。"
            f"前回の提出 {timezone.localtime(current.closed_at):%Y-%m-%d %H:%M}、変わった行 {len(changed)}）",
        )
    return closing


def reopen_month(request, closing, reason):
    """An admin ends a closing, with the reason (kept on the row and in the audit log)."""
    reason = (reason or "").strip()
    if not reason:
        raise ClosingError("締めを解除する理由を入力してください。")
    with transaction.atomic():
        # The center's lock, as closing and 締め直す take it: a 解除 and a 締め直し wait for each other.
        type(closing.center).objects.select_for_update().filter(pk=closing.center_id).get()
        updated = (
            type(closing)
            .objects.filter(pk=closing.pk, reopened_at=None)
            .update(reopened_at=timezone.now(), reopened_by=request.user, reopen_reason=reason[:300])
        )
        if not updated:
            raise ClosingError("この締めはすでに解除されています。")
        closing.refresh_from_db()
        audit(request, UPDATE, closing, f"締めを解除しました。理由: {reason[:300]}")
    return closing
