from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.totp_verify, name="totp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-step/", views.totp_enrol, name="totp_enrol"),
    path("two-step/disable/", views.totp_disable, name="totp_disable"),
    path("audit/", views.audit_log, name="audit_log"),
    path("organizations/", views.org_list, name="org_list"),
    path("organizations/<int:pk>/", views.org_detail, name="org_detail"),
    path("organizations/<int:pk>/add/", views.org_add, name="org_add"),
    path("organizations/<int:pk>/rename/", views.org_rename, name="org_rename"),
    path("organizations/<int:pk>/second-factor/", views.org_second_factor, name="org_second_factor"),
    path("organizations/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
]
