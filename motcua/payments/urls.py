from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<str:code>/thu-phi/", views.record_at_counter, name="record_at_counter"),
    path("ho-so/<str:code>/truc-tuyen/", views.citizen_pay, name="citizen_pay"),
    path("<int:payment_id>/hoan-tra/", views.refund, name="refund"),
    path("<int:payment_id>/bien-lai.pdf", views.receipt, name="receipt"),
    path("<int:payment_id>/bien-lai-cua-toi.pdf", views.citizen_receipt, name="citizen_receipt"),
    path("gia-lap/<int:payment_id>/", views.fake_gateway, name="fake_gateway"),
    path("ket-qua/", views.callback, name="callback"),
]
