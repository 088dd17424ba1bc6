from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report.list"),
    path("<int:year>/", views.report_detail, name="report.detail"),
    path("<int:year>.pdf", views.report_pdf_download, name="report.pdf"),
]
