"""What training contributes to the home dashboard."""

from django.db.models import Count
from django.utils import timezone

from coordination.models import Role
from training.models import Event, Registration


def upcoming(request):
    user = request.user
    if user.is_authenticated and user.role in (Role.ADMIN, Role.COORDINATOR):
        events, manage = Event.objects.for_user(user).not_ended(), True
    elif user.is_authenticated:
        events, manage = Event.objects.open_for_registration(), False
    else:
        events, manage = Event.objects.public().not_ended(), False
    # with_seats: each line shows the event's state (満席 read from the count).
    events = (
        events.with_seats()
        .select_related("center")
        .prefetch_related("co_host_centers")
        .order_by("starts_at")[:5]
    )
    events = list(events)
    if manage:
        # Someone moved up from the waiting list without an email address waits for a call.
        untold = dict(
            Registration.objects.promotion_untold()
            .filter(event__in=events)
            .values("event")
            .annotate(n=Count("pk"))
            .values_list("event", "n")
        )
        today = timezone.localdate()
        for event in events:
            event.untold = untold.get(event.pk, 0)
            # Today's event: marked, with the door list (未受付のみ) one tap away.
            event.is_today = event.day == today
    return {"events": events, "manage": manage}
