from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "医療・介護資源（ア）"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready

        everyone = (dashboard.PUBLIC, *Role.values)
        dashboard.register_nav("医療・介護資源", "resources:search", everyone, order=10)
        # Residents and care managers look for サロン and 体操教室 on their own; staff reach them through
        # the search's 地域の活動 switch, which keeps their longer menu short.
        dashboard.register_nav(
            "地域の活動",
            "resources:community",
            (dashboard.PUBLIC, Role.PROFESSIONAL, Role.LIFE_SUPPORT),
            order=11,
        )
        from resources.updates import dashboard_rechecks  # noqa: PLC0415 — updates import models

        dashboard.register(
            "resources/_dashboard_panel.html",
            (dashboard.PUBLIC, Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN),
            dashboard_rechecks,
            order=10,
        )
        from resources.community_views import dashboard_panel  # noqa: PLC0415 — views import models

        dashboard.register(
            "resources/_dashboard_community.html",
            (Role.LIFE_SUPPORT, Role.COORDINATOR, Role.ADMIN),
            dashboard_panel,
            order=11,
        )
