from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("<int:pk>/download/", views.export_download, name="download"),
    path("<int:pk>/status/", views.export_status, name="status"),
    path("requests/<int:pk>/evidence.zip", views.evidence_download, name="evidence"),
]
