from django.urls import path

from motcua.ratings import views

app_name = "ratings"

urlpatterns = [
    path("phan-hoi/", views.feedback_index, name="feedback_list"),
    path("phan-hoi/<int:pk>/", views.feedback_detail, name="feedback"),
    path("quay/<str:code>/", views.counter_home, name="counter"),
    path("quay/<str:code>/<str:dossier_code>/", views.counter_rate, name="counter_rate"),
    path("<str:token>/", views.rate, name="rate"),
]
