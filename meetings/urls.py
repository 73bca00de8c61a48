from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/issues/new/", views.raise_at_meeting, name="raise_issue"),
    path("series/", views.series_index, name="series_index"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_create, name="issue_create"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/status/", views.issue_status, name="issue_status"),
    path("issues/<int:pk>/status/undo/", views.issue_status_undo, name="issue_status_undo"),
    path("solutions/new/", views.solution_create, name="solution_create"),
    path("solutions/<int:pk>/edit/", views.solution_edit, name="solution_edit"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_timeline, name="organisation_timeline"),
    path("years/", views.year_summary, name="year_summary"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/targets/", views.evaluation_targets, name="evaluation_targets"),
]
