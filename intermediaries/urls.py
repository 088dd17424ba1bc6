from django.urls import path, re_path

from . import views

app_name = "intermediaries"

urlpatterns = [
    path("", views.service_list, name="service.list"),
    path("<int:pk>/", views.service_detail, name="service.detail"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|json)$", views.service_export, name="export"),
]
