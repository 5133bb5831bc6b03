from django.urls import path

from requests_app.money import views as money_views
from requests_app.schedule import views as schedule_views
from requests_app.views import customer, detail, messages, professional

app_name = "requests_app"

# The review form posts to /requests/<pk>/review/, a page of reviews (reviews/urls.py).
urlpatterns = [
    path("", customer.request_list, name="list"),
    path("new/", customer.request_create, name="new"),
    path("offers/", professional.offer_list, name="offers"),
    path("jobs/", professional.job_list, name="jobs"),
    path("earnings/", money_views.earnings, name="earnings"),
    path("schedule/", schedule_views.schedule_page, name="schedule"),
    path("schedule/week/", schedule_views.week_page, name="week"),
    path("schedule/calendar/new/", schedule_views.calendar_feed_new, name="calendar-feed-new"),
    path("calendar/<str:token>.ics", schedule_views.calendar_feed, name="calendar-feed"),
    path("schedule/time-off/<int:pk>/delete/", schedule_views.time_off_delete, name="time-off-delete"),
    path("<int:pk>/", detail.request_detail, name="detail"),
    path("<int:pk>/edit/", customer.request_edit, name="edit"),
    path("<int:pk>/cancel/", customer.request_cancel, name="cancel"),
    path("<int:pk>/close/", customer.request_close, name="close"),
    path("<int:pk>/accept/", professional.request_accept, name="accept"),
    path("<int:pk>/reject/", professional.request_reject, name="reject"),
    path("<int:pk>/start/", professional.request_start, name="start"),
    path("<int:pk>/arrive/", professional.request_arrive, name="arrive"),
    path("<int:pk>/complete/", professional.request_complete, name="complete"),
    path("<int:pk>/messages/", messages.request_message_send, name="messages"),
    path("<int:pk>/price/approve/", money_views.price_approve, name="price-approve"),
    path("<int:pk>/price/decline/", money_views.price_decline, name="price-decline"),
    path("<int:pk>/pay/", money_views.pay, name="pay"),
    path("<int:pk>/cash/", money_views.cash_record, name="cash-record"),
    path("<int:pk>/cash/confirm/", money_views.cash_confirm, name="cash-confirm"),
    path("<int:pk>/receipt.pdf", money_views.receipt_download, name="receipt"),
]
