from django.urls import path

from consultations import public_views

app_name = "centers"
urlpatterns = [
    path("", public_views.center_list, name="list"),
    path("find/", public_views.find, name="find"),
    path("qa/", public_views.questions, name="qa"),
    path("<str:code>/", public_views.center_detail, name="detail"),
]
