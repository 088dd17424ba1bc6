"""Test-only views for the page cache and the replica router (ROOT_URLCONF in those tests)."""
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.generic import ListView

from permits.kernel.cache import public_cache
from permits.models import EditionStatus, PermitCatalogue
from portal.db_router import public_request
from portal.models import SiteProfile


def _published_titles():
    return sorted(PermitCatalogue.objects.filter(status=EditionStatus.PUBLISHED).values_list("title", flat=True))


@public_cache("permits")
def catalogue_titles(request):
    parts = _published_titles() + [
        "q=" + request.GET.get("q", ""),
        "zh=" + request.COOKIES.get("zh", ""),
        "care=" + request.COOKIES.get("care", ""),
    ]
    return HttpResponse("\n".join(parts), content_type="text/plain; charset=utf-8")


@public_cache("permits")
def catalogue_json(request):
    response = JsonResponse({"titles": _published_titles()}, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = '"%s"' % len(response.content)
    return response


_template = engines["django"].from_string(
    "{{ site.site_name }}|{% for t in titles %}{{ t }};{% endfor %}|"
    '<form method="post">{% csrf_token %}</form>'
)


@public_cache("permits")
def with_csrf_form(request):
    return HttpResponse(_template.render({"titles": _published_titles()}, request))


_footer = engines["django"].from_string("{{ site.site_name }}")


@public_cache("permits")
def footer(request):
    return HttpResponse(_footer.render({}, request))


@public_cache("permits")
def sets_cookie(request):
    response = HttpResponse(";".join(_published_titles()))
    response.set_cookie("zh", "hant")
    return response


@public_cache("permits")
def writes_session(request):
    request.session["seen"] = True
    return HttpResponse(";".join(_published_titles()))


@public_cache("permits")
def not_found(request):
    _published_titles()
    return HttpResponseNotFound("无此事项")


@method_decorator(public_cache("permits"), name="dispatch")
class CatalogueListView(ListView):
    """A class-based view: its TemplateResponse is stored after rendering."""

    def get_queryset(self):
        return PermitCatalogue.objects.filter(status=EditionStatus.PUBLISHED).order_by("title")

    def render_to_response(self, context, **kwargs):
        return TemplateResponse(self.request, _list_template, context)


_list_template = engines["django"].from_string("{% for c in object_list %}{{ c.title }};{% endfor %}")


def healthz(request):
    """Stand-in for the portal's /healthz when bench/load.sh is proven on this branch alone."""
    return HttpResponse("ok", content_type="text/plain")


def which_database(request):
    """Not cached: reports where its read went."""
    PermitCatalogue.objects.count()
    return JsonResponse({"public": public_request.get(), "vendor": connection.vendor})


def write_then_read(request):
    SiteProfile.objects.create(site_name="写入测试")
    return JsonResponse({"count": SiteProfile.objects.count()})


urlpatterns = [
    path("healthz", healthz),
    path("permits/", catalogue_titles),
    path("permits/export.json", catalogue_json),
    path("permits/cbv/", CatalogueListView.as_view()),
    path("csrf/", with_csrf_form),
    path("footer/", footer),
    path("sets-cookie/", sets_cookie),
    path("session/", writes_session),
    path("missing/", not_found),
    path("which/", which_database),
    path("write/", write_then_read),
    path("admin/which/", which_database),
]
