"""Public pages of the intermediary service list: search and filters, one page per service, exports."""
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.kernel.exporting import export_response
from permits.kernel.listing import MAX_ID, facet_groups, list_page, list_query

from . import selectors
from .filters import ServiceFilter


def _current_list(request):
    if not hasattr(request, "_intermediary_list"):
        request._intermediary_list = selectors.intermediary_list_current()
    return request._intermediary_list


@public_cache("intermediaries", "permits")
@require_safe
def service_list(request):
    edition = _current_list(request)
    filterset = ServiceFilter(request.GET, queryset=selectors.published_services(edition))
    query = list_query(filterset)
    q = query.values["q"] or ""
    context = {"edition": edition, "q": q, "ignored": bool(query.ignored), "params": query.params}
    if edition is not None:
        filters = {name: query.values[name] for name in selectors.FILTER_FIELDS}
        labels = {name: filterset.filters[name].label for name in selectors.FILTER_FIELDS}
        groups, chips = facet_groups(query, selectors.service_facets(edition, q, filters), labels)
        context.update(list_page(query, selectors.service_list_rows(filterset.qs), request.GET.get("page")))
        context.update({"facet_groups": groups, "chips": chips})
    return render(request, "intermediaries/services.html", context)


def _not_found(request, heading=None, message=None):
    return render(request, "intermediaries/not_found.html", {"heading": heading, "message": message}, status=404)


@public_cache("intermediaries", "permits")
@require_safe
def service_detail(request, pk):
    service = selectors.public_service(pk) if pk <= MAX_ID else None
    if service is None:
        return _not_found(request)
    items = [(item, selectors.permit_item_url(item.code)) for item in service.permit_items.all()]
    return render(request, "intermediaries/service.html", {
        "service": service, "edition": service.edition, "permit_items": items,
    })


@public_cache("intermediaries", "permits")
@require_safe
def service_export(request, fmt):
    edition = _current_list(request)
    if edition is None:
        return _not_found(request, _("暂无可下载的数据"), _("中介服务事项清单尚未发布，暂无可下载的数据。"))
    return export_response(request, selectors.intermediary_export_spec(edition), fmt, max_age=600)
