from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report.list"),
    path("<int:year>/", views.report_detail, name="report.detail"),
    path("<int:year>.pdf", views.report_pdf_download, name="report.pdf"),
    path("<int:year>.docx", views.report_docx_download, name="report.docx"),
    path("<int:year>.ofd", views.report_ofd_download, name="report.ofd"),
]
