from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/versions/new/", views.add_version, name="add_version"),
    path("<int:pk>/file/", views.download, name="download"),
    path("<int:pk>/versions/<int:vid>/file/", views.download, name="version_download"),
]
