from django.urls import path

from consultations import import_views, past_totals_views, views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("reports/", views.reports, name="reports"),
    path("reports/close/", views.close_month, name="close_month"),
    path("reports/closings/<int:pk>/reopen/", views.reopen_month, name="reopen_month"),
    path("same-client/", views.same_client, name="same_client"),
    path("unlisted-facilities/", views.unlisted_facilities, name="unlisted_facilities"),
    path("import/", import_views.upload, name="import"),
    path("import/<int:pk>/", import_views.detail, name="import_detail"),
    path("import/<int:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", import_views.progress, name="import_progress"),
    path("import/<int:pk>/retry/", import_views.retry, name="import_retry"),
    path("import/<int:pk>/errors.csv", import_views.errors, name="import_errors"),
    path("past-totals/", past_totals_views.upload, name="past_totals"),
    path("past-totals/<int:pk>/", past_totals_views.detail, name="past_totals_detail"),
    path("past-totals/<int:pk>/confirm/", past_totals_views.confirm, name="past_totals_confirm"),
    path("past-totals/<int:pk>/progress/", past_totals_views.progress, name="past_totals_progress"),
    path("past-totals/<int:pk>/retry/", past_totals_views.retry, name="past_totals_retry"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/coordinations/", views.add_coordination, name="add_coordination"),
    path("<int:pk>/coordinations/<int:cid>/edit/", views.edit_coordination, name="edit_coordination"),
    path("<int:pk>/coordinations/<int:cid>/delete/", views.delete_coordination, name="delete_coordination"),
    path("<int:pk>/consents/", views.add_consent, name="add_consent"),
    path("<int:pk>/provisions/", views.add_provision, name="add_provision"),
]
