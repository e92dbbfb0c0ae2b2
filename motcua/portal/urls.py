from django.urls import path

from motcua.portal import views, views_lookup

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/tim-kiem/", views.procedure_search_page, name="procedure_search"),
    path("thu-tuc/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("tra-cuu/", views_lookup.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", views_lookup.lookup_detail, name="lookup_detail"),
]
