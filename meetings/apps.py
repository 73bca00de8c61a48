from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会議・課題（イ・ウ・ク）"

    def ready(self):
        from coordination import dashboard, extensions  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready
        from meetings import panels  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav(
            "会議・連携",
            "meetings:index",
            (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL, Role.PROFESSIONAL),
            order=30,
        )
        dashboard.register_nav(
            "課題一覧", "meetings:issues", (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL), order=31
        )
        dashboard.register(
            "meetings/_dashboard_issues.html",
            (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL),
            panels.issue_counts,
            order=35,
        )
        # The 事業評価 was reachable from the 会議・連携 menu only; the city's staff start from home.
        dashboard.register(
            "meetings/_dashboard_evaluation.html",
            (Role.ADMIN, Role.OFFICIAL),
            panels.evaluation_links,
            order=36,
        )
        extensions.register(
            "consultation",
            "meetings/_consultation_issues.html",
            panels.consultation_issues,
            (Role.ADMIN, Role.COORDINATOR),
        )
        extensions.register(
            "event", "meetings/_event_solutions.html", panels.event_solutions, (Role.ADMIN, Role.COORDINATOR)
        )
