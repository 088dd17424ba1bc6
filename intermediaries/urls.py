from django.urls import path, re_path

from . import views, views_editions

app_name = "intermediaries"

urlpatterns = [
    path("", views.service_list, name="service.list"),
    path("<int:pk>/", views.service_detail, name="service.detail"),
    path("editions/<str:label>/", views_editions.edition_detail, name="edition.detail"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|json)$", views.service_export, name="export"),
]
