from django.urls import path

from resources import area_views, community_views, update_views, views

app_name = "resources"
urlpatterns = [
    path("", views.search, name="search"),
    path("print/", views.print_list, name="print"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("new/", views.edit, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/<int:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("missing/", views.missing, name="missing"),
    # 地域の見える化 and the area statistics behind it.
    path("areas/", area_views.areas, name="areas"),
    path("areas/export.xlsx", area_views.areas_export, name="areas_export"),
    path("areas/statistics/", area_views.statistics, name="area_statistics"),
    path("areas/statistics/import/", area_views.statistics_import, name="area_import"),
    path("areas/statistics/import/<int:pk>/", area_views.statistics_import_detail, name="area_import_detail"),
    path(
        "areas/statistics/import/<int:pk>/progress/",
        area_views.statistics_import_progress,
        name="area_import_progress",
    ),
    path(
        "areas/statistics/import/<int:pk>/confirm/",
        area_views.statistics_import_confirm,
        name="area_import_confirm",
    ),
    path(
        "areas/statistics/import/<int:pk>/retry/",
        area_views.statistics_import_retry,
        name="area_import_retry",
    ),
    path(
        "areas/statistics/import/<int:pk>/errors.csv",
        area_views.statistics_import_errors,
        name="area_import_errors",
    ),
    # Community resources (生活支援): residents' listing, a 圏域's A4 list, the editors' form.
    path("community/", community_views.listing, name="community"),
    path("community/print/", community_views.print_list, name="community_print"),
    path("community/new/", community_views.edit, name="community_create"),
    path("<int:pk>/community/", community_views.edit, name="community_edit"),
    path("duplicates/", views.duplicates, name="duplicates"),
    # Keeping the directory true: the facility's own link, change requests, rounds, re-checks.
    path("u/<str:token>/", update_views.update_form, name="update_form"),
    path("u/<str:token>/done/", update_views.update_done, name="update_done"),
    path("<int:pk>/links/", update_views.facility_links, name="facility_links"),
    path("links/<int:pk>/revoke/", update_views.link_revoke, name="link_revoke"),
    path("links/<int:pk>/send/", update_views.link_send, name="link_send"),
    path("links/<int:pk>/letter/", update_views.link_letter, name="link_letter"),
    path("links/letters.csv", update_views.letters_csv, name="letters_csv"),
    path("changes/", update_views.change_requests, name="change_requests"),
    path("changes/<int:pk>/", update_views.change_request, name="change_request"),
    path("rounds/", update_views.rounds, name="rounds"),
    path("rounds/<int:pk>/", update_views.round_detail, name="round"),
    path("rounds/<int:pk>/remind/", update_views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/send/", update_views.round_send, name="round_send"),
    path("rounds/<int:pk>/progress/", update_views.round_progress, name="round_progress"),
    path("rounds/<int:pk>/close/", update_views.round_close, name="round_close"),
    path("rechecks/", update_views.rechecks, name="rechecks"),
    path("rechecks/<int:pk>/close/", update_views.recheck_close, name="recheck_close"),
]
