from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("permits/", include("permits.urls")),
    path("powers/", include("permits.urls_powers")),
    path("one-things/", include("permits.urls_onething")),
    path("intermediaries/", include("intermediaries.urls")),
    path("reports/", include("reports.urls")),
    path("", include("portal.urls_public")),
]
