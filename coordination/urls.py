from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coordination import security, twofactor, views
from coordination.security import LoginForm

urlpatterns = [
    path("", views.home, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/2fa/setup/", twofactor.setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", twofactor.verify, name="two_factor_verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/", security.session_status, name="session_status"),
    path("resources/", include("resources.urls")),
    path("consultations/", include("consultations.urls")),
    path("meetings/", include("meetings.urls")),
    path("training/", include("training.urls")),
    path("rota/", include("rota.urls")),
    path("surveys/", include("surveys.urls")),
    path("documents/", include("documents.urls")),
    path("centers/", include("consultations.public_urls")),
    path("admin/", admin.site.urls),
]

# A busy SQLite database met outside a view answers the portal's own 503 page (security.py).
handler500 = "coordination.security.server_error"

admin.site.site_header = "在宅医療・介護連携支援ポータル 管理"
admin.site.site_title = "連携支援ポータル 管理"
