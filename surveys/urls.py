from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("new/template/", views.from_template, name="from_template"),
    path("event/<int:event_id>/", views.event_survey, name="event_survey"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/questions/new/", views.question_edit, name="question_create"),
    path("<int:pk>/questions/<int:qid>/", views.question_edit, name="question_edit"),
    path("<int:pk>/audience/", views.audience, name="audience"),
    path("<int:pk>/letters.csv", views.letters_csv, name="letters_csv"),
    path("<int:pk>/letters/", views.letters_print, name="letters"),
    path("<int:pk>/results/", views.results_view, name="results"),
    path("<int:pk>/public/", views.public_results, name="public_results"),
    path("<int:pk>/reminders/", views.reminders, name="reminders"),
    path("<int:pk>/vacancies/", views.vacancies_view, name="vacancies"),
    path("r/<str:token>/", views.answer, name="answer"),
    path("l/<str:token>/", views.answer_link, name="answer_link"),
]
