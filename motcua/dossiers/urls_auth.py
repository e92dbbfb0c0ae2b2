"""Officers' sign-in and sign-out (Django's auth views with the project's templates)."""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
]
