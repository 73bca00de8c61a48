from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = "共通（センター・地域・職種・ユーザー）"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav("ホーム", "dashboard", (dashboard.PUBLIC, *Role.values), order=0)
        dashboard.register_nav("管理画面", "admin:index", (Role.ADMIN,), order=99)
