from django.contrib import admin
from django.urls import include, path

from portal.health import healthz
from portal.views_onething import one_thing_detail

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("permits/", include("permits.catalogue.urls")),
    path("powers/", include("permits.powers.urls")),
    path("one-things/<int:pk>/", one_thing_detail, name="one_thing.detail"),
    path("one-things/", include("permits.onething.urls")),
    path("intermediaries/", include("intermediaries.urls")),
    path("reports/", include("reports.urls")),
    path("interact/", include("portal.interact.urls")),
    path("", include("portal.urls_public")),
]

# Error pages that touch no database (portal.security.errors).
handler400 = "portal.security.errors.bad_request"
handler403 = "portal.security.errors.permission_denied"
handler404 = "portal.security.errors.page_not_found"
handler500 = "portal.security.errors.server_error"
