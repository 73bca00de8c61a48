from django.urls import path

from resources import views

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
    path("duplicates/", views.duplicates, name="duplicates"),
]
