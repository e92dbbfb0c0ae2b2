"""Officers' sign-in and sign-out (Django's auth views with the project's templates), and the
second step (a one-time code) for the roles that need it."""

from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.dossiers.views.auth import otp_verify_page

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("xac-thuc-hai-buoc/", otp_verify_page, name="otp_verify"),
]
