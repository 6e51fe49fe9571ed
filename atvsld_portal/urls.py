"""Root URLconf: admin, authentication, health, and each app by dotted string."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from atvsld_portal import period_views, views
from atvsld_portal.auth_forms import PortalAuthenticationForm
from atvsld_portal.ratelimit import rate_limit

auth_urls = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=PortalAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        rate_limit("password_reset")(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

period_urls = [
    path("", period_views.period_list, name="period_list"),
    path("new/", period_views.period_create, name="period_create"),
    path("<uuid:public_id>/edit/", period_views.period_edit, name="period_edit"),
    path("<uuid:public_id>/open/", period_views.period_open_view, name="period_open"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("periods/", include(period_urls)),
    path("enterprises/", include("enterprises.urls")),
    path("plans/", include("plans.urls")),
    path("accidents/", include("incidents.urls")),
    path("statistics/compliance/", include("incidents.compliance_urls")),
    path("statistics/", include("incidents.statistics_urls")),
    path("commune-reports/", include("incidents.commune_report_urls")),
    path("diseases/", include("incidents.disease_urls")),
    path("reporting/", include("reporting.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(auth_urls)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "atvsld_portal.errors.bad_request"
handler403 = "atvsld_portal.errors.permission_denied"
handler404 = "atvsld_portal.errors.page_not_found"
handler500 = "atvsld_portal.errors.server_error"
