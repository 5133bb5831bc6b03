from django.urls import path

from requests_app import views
from requests_app.money import views as money_views

app_name = "requests_app"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="new"),
    path("offers/", views.offer_list, name="offers"),
    path("jobs/", views.job_list, name="jobs"),
    path("earnings/", money_views.earnings, name="earnings"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("<int:pk>/close/", views.request_close, name="close"),
    path("<int:pk>/review/", views.request_review, name="review"),
    path("<int:pk>/accept/", views.request_accept, name="accept"),
    path("<int:pk>/reject/", views.request_reject, name="reject"),
    path("<int:pk>/start/", views.request_start, name="start"),
    path("<int:pk>/arrive/", views.request_arrive, name="arrive"),
    path("<int:pk>/complete/", views.request_complete, name="complete"),
    path("<int:pk>/price/approve/", money_views.price_approve, name="price-approve"),
    path("<int:pk>/price/decline/", money_views.price_decline, name="price-decline"),
    path("<int:pk>/pay/", money_views.pay, name="pay"),
    path("<int:pk>/cash/", money_views.cash_record, name="cash-record"),
    path("<int:pk>/cash/confirm/", money_views.cash_confirm, name="cash-confirm"),
    path("<int:pk>/receipt.pdf", money_views.receipt_download, name="receipt"),
]
