from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("public/", views.public, name="public"),
    path("history/", views.history, name="history"),
    path("survey/<str:token>/", views.old_survey_link, name="answer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registrations/bulk/", views.bulk_register, name="bulk_register"),
    path("<int:pk>/registrations/print/", views.roster_print, name="roster_print"),
    path("<int:pk>/registrations/export/", views.registrations_export, name="registrations_export"),
    path("<int:pk>/registrations/<int:rid>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/registrations/<int:rid>/told/", views.promotion_told, name="promotion_told"),
    path("<int:pk>/registrations/<int:rid>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/my-registration/<int:rid>/cancel/", views.cancel_mine, name="cancel_mine"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/tasks/", views.add_task, name="add_task"),
    path("<int:pk>/tasks/template/", views.apply_template, name="apply_template"),
    path("<int:pk>/tasks/<int:tid>/toggle/", views.toggle_task, name="toggle_task"),
]
