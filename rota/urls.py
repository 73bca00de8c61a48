from django.urls import path

from rota import link_views, views

app_name = "rota"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/print/", views.print_month, name="print"),
    path("<int:pk>/generate/", views.generate, name="generate"),
    path("<int:pk>/shifts/new/", views.shift_create, name="shift_create"),
    path("<int:pk>/shifts/<int:sid>/", views.shift_edit, name="shift_edit"),
    path("<int:pk>/shifts/<int:sid>/swap/", views.swap, name="swap"),
    path("<int:pk>/feeds/", views.feed_links, name="feed_links"),
    path("feed/<str:token>.ics", views.rota_feed, name="rota_feed"),
    path("facility-feed/<str:token>.ics", views.facility_feed, name="facility_feed"),
    path("backup-beds/", views.backup_beds, name="backup_beds"),
    path("backup-beds/new/", views.backup_bed_create, name="backup_bed_create"),
    path("backup-beds/<int:pk>/edit/", views.backup_bed_edit, name="backup_bed_edit"),
    # The hospital's own backup beds, by its update link (resources.UpdateLink's token).
    path("u/<str:token>/beds/", link_views.link_beds, name="link_beds"),
    path("u/<str:token>/beds/<int:pk>/edit/", link_views.link_bed_edit, name="link_bed_edit"),
    path("u/<str:token>/beds/<int:pk>/end/", link_views.link_bed_end, name="link_bed_end"),
]
