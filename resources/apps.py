from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "医療・介護資源（ア）"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready

        everyone = (dashboard.PUBLIC, *Role.values)
        dashboard.register_nav("医療・介護資源", "resources:search", everyone, order=10)
        dashboard.register(
            "resources/_dashboard_panel.html",
            (dashboard.PUBLIC, Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN),
            lambda request: {},
            order=10,
        )
        from resources.community_views import dashboard_panel  # noqa: PLC0415 — views import models

        dashboard.register(
            "resources/_dashboard_community.html",
            (Role.LIFE_SUPPORT, Role.COORDINATOR, Role.ADMIN),
            dashboard_panel,
            order=11,
        )
