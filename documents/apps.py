from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "様式・手引き・ルール"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav("様式・手引き", "documents:index", (dashboard.PUBLIC, *Role.values), order=46)
