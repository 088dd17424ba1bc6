from django.contrib import admin
from django.urls import include, path

from portal.health import healthz
from portal.views_onething import one_thing_detail

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("permits/", include("permits.urls")),
    path("powers/", include("permits.urls_powers")),
    path("one-things/<int:pk>/", one_thing_detail, name="one_thing.detail"),
    path("one-things/", include("permits.urls_onething")),
    path("intermediaries/", include("intermediaries.urls")),
    path("reports/", include("reports.urls")),
    path("", include("portal.urls_public")),
]

# Error pages that touch no database (portal.security.errors).
handler400 = "portal.security.errors.bad_request"
handler403 = "portal.security.errors.permission_denied"
handler404 = "portal.security.errors.page_not_found"
handler500 = "portal.security.errors.server_error"
