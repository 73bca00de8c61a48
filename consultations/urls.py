from django.urls import path

from consultations import import_views, past_totals_views, views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("reports/", views.reports, name="reports"),
    path("reports/close/", views.close_month, name="close_month"),
    path("reports/closings/<int:pk>/reopen/", views.reopen_month, name="reopen_month"),
    path("reports/closings/<int:pk>/resubmit/", views.resubmit_month, name="resubmit_month"),
    path("same-client/", views.same_client, name="same_client"),
    path("unlisted-facilities/", views.unlisted_facilities, name="unlisted_facilities"),
    *import_views.flow.urls("import/"),
    *past_totals_views.flow.urls("past-totals/"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/coordinations/", views.add_coordination, name="add_coordination"),
    path("<int:pk>/coordinations/<int:cid>/edit/", views.edit_coordination, name="edit_coordination"),
    path("<int:pk>/coordinations/<int:cid>/delete/", views.delete_coordination, name="delete_coordination"),
    path("<int:pk>/follow-up-done/", views.follow_up_done, name="follow_up_done"),
    path("<int:pk>/consents/", views.add_consent, name="add_consent"),
    path("<int:pk>/provisions/", views.add_provision, name="add_provision"),
]
