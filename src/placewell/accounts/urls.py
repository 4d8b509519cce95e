from django.urls import path

from placewell.accounts import views, views_admin

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("audit/", views.audit_log, name="audit"),
    path("services/", views_admin.service_list, name="services"),
    path("services/<int:pk>/", views_admin.service_edit, name="service_edit"),
    path("services/<int:pk>/teams/new/", views_admin.team_create, name="team_create"),
    path("staff/", views_admin.staff_list, name="staff"),
    path("staff/new/", views_admin.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views_admin.staff_edit, name="staff_edit"),
]
