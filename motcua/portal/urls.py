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

# Citizens: accounts, online submission, "Hồ sơ của tôi".
from motcua.portal import citizen_views, views_account  # noqa: E402

urlpatterns += [
    path("dang-ky/", views_account.register, name="citizen_register"),
    path("xac-minh-email/<str:token>/", views_account.verify_email, name="citizen_verify_email"),
    path("dang-nhap-cong-dan/", views_account.citizen_login, name="citizen_login"),
    path("dang-xuat-cong-dan/", views_account.citizen_logout, name="citizen_logout"),
    path("tai-khoan/", views_account.profile, name="citizen_profile"),
    path("dich-vu-cong/nop/<int:pk>/", citizen_views.submit, name="citizen_submit"),
    path("ho-so-cua-toi/", citizen_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", citizen_views.my_dossier, name="my_dossier"),
    path(
        "ho-so-cua-toi/<str:code>/bo-sung/",
        citizen_views.my_dossier_supplement,
        name="my_dossier_supplement",
    ),
    path(
        "ho-so-cua-toi/<str:code>/tep/<int:file_id>/",
        citizen_views.my_dossier_file,
        name="my_dossier_file",
    ),
]
