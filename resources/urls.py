from django.urls import path

from resources import area_views, community_views, duplicate_views, import_views, update_views, views

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
    *import_views.flow.urls("import/"),
    path("import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("missing/", views.missing, name="missing"),
    # 地域の見える化 and the area statistics behind it.
    path("areas/", area_views.areas, name="areas"),
    path("areas/export.xlsx", area_views.areas_export, name="areas_export"),
    path("areas/statistics/", area_views.statistics, name="area_statistics"),
    *area_views.statistics_import_flow.urls("areas/statistics/import/"),
    # Community resources (生活支援): residents' listing, a 圏域's A4 list, the editors' form.
    path("community/", community_views.listing, name="community"),
    path("community/print/", community_views.print_list, name="community_print"),
    path("community/new/", community_views.edit, name="community_create"),
    path("<int:pk>/community/", community_views.edit, name="community_edit"),
    path("<int:pk>/community/end/", community_views.end, name="community_end"),
    path("<int:pk>/community/resume/", community_views.resume, name="community_resume"),
    path("duplicates/", duplicate_views.duplicates, name="duplicates"),
    path("duplicates/dismissed/", duplicate_views.dismissed, name="duplicates_dismissed"),
    # Keeping the directory true: the facility's own link, change requests, rounds, re-checks.
    path("u/<str:token>/", update_views.update_form, name="update_form"),
    path("u/<str:token>/done/", update_views.update_done, name="update_done"),
    path("<int:pk>/links/", update_views.facility_links, name="facility_links"),
    path("links/<int:pk>/revoke/", update_views.link_revoke, name="link_revoke"),
    path("links/<int:pk>/send/", update_views.link_send, name="link_send"),
    path("links/<int:pk>/letter/", update_views.link_letter, name="link_letter"),
    path("links/<int:pk>/letter/sent/", update_views.link_letter_sent, name="link_letter_sent"),
    path("links/letters.csv", update_views.letters_csv, name="letters_csv"),
    path("changes/", update_views.change_requests, name="change_requests"),
    path("changes/<int:pk>/", update_views.change_request, name="change_request"),
    path("rounds/", update_views.rounds, name="rounds"),
    path("rounds/<int:pk>/", update_views.round_detail, name="round"),
    path("rounds/<int:pk>/remind/", update_views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/send/", update_views.round_send, name="round_send"),
    path("rounds/<int:pk>/progress/", update_views.round_progress, name="round_progress"),
    path("rounds/<int:pk>/letters/", update_views.round_letters, name="round_letters"),
    path("rounds/<int:pk>/letters/sent/", update_views.round_letters_sent, name="round_letters_sent"),
    path("rounds/<int:pk>/close/", update_views.round_close, name="round_close"),
    path("<int:pk>/report/", update_views.report_error, name="report"),
    path("rechecks/", update_views.rechecks, name="rechecks"),
    path("rechecks/<int:pk>/close/", update_views.recheck_close, name="recheck_close"),
]
