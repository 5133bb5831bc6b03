from django.urls import path

from tracking import link_views

app_name = "tracking"

urlpatterns = [
    path("<str:token>/", link_views.shared_page, name="shared"),
    path("<str:token>/data.json", link_views.shared_data, name="shared-data"),
    path("links/<int:request_id>/new/", link_views.link_create, name="link-create"),
    path("links/<int:request_id>/<int:link_id>/revoke/", link_views.link_revoke, name="link-revoke"),
]
