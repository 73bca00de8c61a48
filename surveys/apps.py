from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "調査・アンケート"

    def ready(self):
        from coordination import dashboard, extensions  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready
        from surveys import panels  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav(
            "調査",
            "surveys:index",
            (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL, Role.PROFESSIONAL),
            order=45,
        )
        # The event page of training shows its attendees' survey (training never imports surveys).
        extensions.register(
            "event", "surveys/_event_panel.html", panels.event_survey, (Role.ADMIN, Role.COORDINATOR)
        )
