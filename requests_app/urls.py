from django.urls import path

from requests_app import views
from requests_app.schedule import views as schedule_views

app_name = "requests_app"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="new"),
    path("offers/", views.offer_list, name="offers"),
    path("jobs/", views.job_list, name="jobs"),
    path("schedule/", schedule_views.schedule_page, name="schedule"),
    path("schedule/time-off/<int:pk>/delete/", schedule_views.time_off_delete, name="time-off-delete"),
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
]
