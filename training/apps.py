from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "研修・普及啓発（カ・キ）"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready
        from training import panels  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav(
            "研修・イベント", "training:index", (Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL), order=40
        )
        dashboard.register_nav("研修の実績", "training:history", (Role.OFFICIAL,), order=41)
        dashboard.register_nav(
            "市民公開講座", "training:public", (dashboard.PUBLIC, Role.PROFESSIONAL, Role.OFFICIAL), order=42
        )
        dashboard.register(
            "training/_dashboard_upcoming.html",
            (dashboard.PUBLIC, Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL),
            panels.upcoming,
            order=40,
        )
