from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    verbose_name = "当番表・後方支援病床（ウ）"

    def ready(self):
        from coordination import dashboard, extensions  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready
        from rota import link_views, panels  # noqa: PLC0415 — registrations run once the app registry is ready

        staff = (Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)
        dashboard.register_nav("当番表", "rota:index", staff, order=25)
        dashboard.register("rota/_dashboard_on_duty.html", staff, panels.on_duty, order=3)
        dashboard.register("rota/_dashboard_gaps.html", (Role.ADMIN, Role.COORDINATOR), panels.gaps, order=4)
        # On the directory's search page: who is on duty now and tonight (the contact is theirs only).
        extensions.register("search", "rota/_search_on_duty.html", panels.search_on_duty, staff)
        # On each hospital's card in the search results: its backup beds today (or when the
        # next start), one query for the page.
        extensions.register_annotations(
            "search_results", "rota/_search_result_beds.html", panels.search_result_beds, staff
        )
        # On the facility page for staff and professionals (the on-duty contact is theirs only).
        extensions.register("facility", "rota/_facility_on_duty.html", panels.facility_on_duty, staff)
        for slot in ("consultation", "consultation_form"):
            extensions.register(
                slot,
                "rota/_consultation_backup.html",
                panels.consultation_backup,
                (Role.ADMIN, Role.COORDINATOR),
            )
        # A hospital's update-link page offers its own backup-bed page (no account).
        extensions.register_for_link("update_link", "rota/_update_link_beds.html", link_views.link_panel)
