"""The writes of the training app that a view starts. Each runs in one transaction with its audit
entry, so an event, a registration or a count is never saved without the record of who did it
(and never recorded without being saved). Forms validate; the model methods they call keep the
capacity and the waiting list right (Event.register / Event.cancel lock the event)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from coordination.security import CREATE, UPDATE, audit, changed_fields
from training.models import Event, Registration


def save_event(request, form):
    """An event created or edited from its valid EventForm; a 定員 raised (or removed) gives the
    new seats to the waiting list at once. Returns (event, the registrations moved up)."""
    with transaction.atomic():
        creating = form.instance.pk is None
        event = form.save_for(request.user)
        audit(request, CREATE if creating else UPDATE, event, "" if creating else changed_fields(form))
        promoted = (
            [] if creating else Event.objects.select_for_update().get(pk=event.pk).fill_from_waiting_list()
        )
        for registration in promoted:
            _tell_promoted(request, event, registration)
    return event, promoted


def _tell_promoted(request, event, registration):
    """Someone moved up from the waiting list: emailed when they gave an address (after the
    transaction, so a rolled-back promotion sends nothing); else they stay 「繰り上げ・未連絡」 on the
    event's page until staff have phoned or faxed them (mark_told)."""
    note = f"キャンセル待ちから繰り上げ: {registration.name}"
    if registration.email:
        registration.promotion_told_at = timezone.now()
        registration.save(update_fields=["promotion_told_at"])
        transaction.on_commit(lambda: _email_promoted(event, registration))
        note += "（メールで連絡）"
    audit(request, UPDATE, registration, note)


def _email_promoted(event, registration):
    send_mail(
        f"参加が確定しました（{event.title}）",
        render_to_string("training/email/promoted.txt", {"event": event, "registration": registration}),
        settings.DEFAULT_FROM_EMAIL,
        [registration.email],
    )


def mark_told(request, registration):
    """Staff have told a promoted registrant without an email address (「連絡した」)."""
    with transaction.atomic():
        registration.promotion_told_at = timezone.now()
        registration.save(update_fields=["promotion_told_at"])
        audit(request, UPDATE, registration, f"繰り上げを連絡: {registration.name}")


def register(request, event, fields, user=None, check_in=False):
    """One sign-up (the professional's own, or one a coordinator takes by phone or FAX for `user`
    None): confirmed while places remain, on the waiting list after. `check_in`: a walk-in staff
    enter at the door, checked in at once (let in, so confirmed even when the event is full)."""
    with transaction.atomic():
        registration = event.register(**fields, user=user, by=request.user)
        audit(request, CREATE, registration, f"{event}: {registration.get_status_display()}")
        if check_in:
            registration.toggle_check_in()
            audit(request, UPDATE, registration, "当日受付（申込と同時）")
    return registration


def register_many(request, event, form):
    """A FAX sheet's lines from a valid BulkRegistrationForm: all of them or none."""
    with transaction.atomic():
        saved = form.save(by=request.user)
        waiting = sum(r.status == Registration.Status.WAITLISTED for r in saved)
        audit(request, CREATE, event, f"申込をまとめて入力: {len(saved)}名（うちキャンセル待ち{waiting}名）")
    return saved, waiting


def toggle_check_in(request, registration):
    """当日受付 or its undoing; True when the attendee is now checked in."""
    with transaction.atomic():
        checked_in = registration.toggle_check_in()
        audit(request, UPDATE, registration, "当日受付" if checked_in else "受付を取消")
    return checked_in


def cancel(request, event, registration):
    """Cancels a registration; the first on the waiting list (returned, or None) moves up."""
    with transaction.atomic():
        promoted = event.cancel(registration)
        note = f"（{promoted.name}さんが繰り上げ）" if promoted else ""
        audit(request, UPDATE, registration, "申込を取消" + note)
        if promoted:
            _tell_promoted(request, event, promoted)
    return promoted


def save_attendance(request, event, form):
    """The attendance by profession of a valid AttendanceCountsForm."""
    with transaction.atomic():
        form.save()
        audit(request, UPDATE, event, "職種別参加人数: " + changed_fields(form))


def add_task(event, form):
    """A task from a valid TaskForm, at the end of the event's list."""
    with transaction.atomic():
        task = form.save(commit=False)
        task.event, task.sort_order = event, event.tasks.count()
        task.save()
    return task


def toggle_task(request, task):
    """Marks a task done by the user, or not done again."""
    if task.done_at:
        task.done_at, task.done_by = None, None
    else:
        task.done_at, task.done_by = timezone.now(), request.user
    task.save(update_fields=["done_at", "done_by"])
