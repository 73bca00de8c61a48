from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "相談支援（オ）"

    def ready(self):
        from consultations import area_counts, panels  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination import area_counts as counts_registry  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination import dashboard  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination import extensions as registry  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.models import Role  # noqa: PLC0415 — registrations run once the app registry is ready
        from coordination.security import register_retained_log  # noqa: PLC0415 — registrations run once the app registry is ready
        from resources import extensions  # noqa: PLC0415 — registrations run once the app registry is ready

        writers = (Role.ADMIN, Role.COORDINATOR)
        # Who opened which client's record is kept as long as the audit log, then purged with it.
        register_retained_log(self.get_model("AccessLog"))
        dashboard.register_nav("相談記録", "consultations:index", (Role.ADMIN, Role.COORDINATOR), order=20)
        dashboard.register_nav(
            "相談実績（月報）",
            "consultations:reports",
            (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL),
            order=21,
        )
        dashboard.register_nav(
            "相談窓口のご案内",
            "centers:list",
            (dashboard.PUBLIC, Role.PROFESSIONAL, Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN),
            order=43,
        )
        dashboard.register(
            "consultations/_dashboard_open.html",
            (Role.COORDINATOR, Role.ADMIN),
            panels.open_consultations,
            order=5,
        )
        dashboard.register(
            "consultations/_dashboard_public_contact.html",
            (dashboard.PUBLIC,),
            panels.public_contact,
            order=12,
        )
        dashboard.register(
            "consultations/_dashboard_reports.html",
            (Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR),
            panels.reports_links,
            order=30,
        )
        # The directory search opened from a consultation (consultations.directory) keeps its
        # number, and offers 「この相談に記録」 on each result.
        registry.register_carried("search", panels.SEARCH_PARAM)
        registry.register("search", "consultations/_search_for.html", panels.search_for_consultation, writers)
        registry.register_annotations(
            "search_results", "consultations/_search_result_record.html", panels.search_result_record, writers
        )
        extensions.register_facility_panel(
            "consultations/_facility_record.html", panels.facility_record, writers
        )
        extensions.register_facility_panel(
            "consultations/_facility_coordinations.html",
            panels.facility_coordinations,
            (Role.ADMIN, Role.COORDINATOR),
        )
        # The 見える化 page's 相談件数 per 圏域 (never for anonymous visitors; officials of a ward
        # count their ward's centers only, as everywhere).
        counts_registry.register(
            "consultations",
            "相談件数",
            area_counts.consultations_per_area,
            (Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL, Role.OFFICIAL),
        )
