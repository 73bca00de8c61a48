from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "調査・アンケート"

    def ready(self):
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready

        dashboard.register_nav("調査", "surveys:index", tuple(Role.values), order=45)
