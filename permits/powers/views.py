"""Public views: delegated-power catalogues, observation points and demonstration sites."""
import hashlib

from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.kernel.params import param_int
from permits.kernel.exporting import FORMATS, export_response
from permits.kernel.listing import facet_groups, facet_rows, list_query
from permits.powers.filters import FIELDS, PowerFilter
from permits.powers.models import PowerMode, PowerType
from permits.powers.selectors import (
    demonstration_sites, observation_point_groups, power_catalogue_page, power_department_groups, power_export_spec,
    public_power_catalogue, public_power_catalogues,
)


def _conditional(request, response):
    """ETag from the body and the script; a matching If-None-Match gets 304."""
    if response.status_code != 200:
        return response
    # Pages are turned into Traditional characters later, by middleware: their tag must differ.
    script = getattr(request, "zh_script", "hans")
    response["ETag"] = quote_etag(hashlib.md5(response.content + script.encode(), usedforsecurity=False).hexdigest())
    # Revalidate every time: the page depends on the script cookie (简/繁) as well as the data.
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _not_found(request, message=None):
    return render(
        request, "permits/powers/not_found.html",
        {"message": message or _("没有找到该赋权目录，它可能尚未发布或已被删除。")}, status=404,
    )


def _bad_request(request, message):
    return render(request, "permits/powers/bad_request.html", {"message": message}, status=400)


@public_cache("powers", "permits")
@require_safe
def catalogue_list(request):
    year = request.GET.get("year", "").strip()
    if year:
        year = param_int(year, digits=4)
        if year is None or len(request.GET["year"].strip()) != 4:
            return _bad_request(request, _("参数“year”应为四位年份，例如 2024。"))
    else:
        year = None
    context = {
        "catalogues": list(public_power_catalogues()),
        "observation": observation_point_groups(year),
        "sites": list(demonstration_sites()),
        "year": year,
    }
    return _conditional(request, render(request, "permits/powers/catalogues.html", context))


@public_cache("powers", "permits")
@require_safe
def catalogue_detail(request, pk):
    catalogue = public_power_catalogue(pk)
    if catalogue is None:
        return _not_found(request)
    context = {"catalogue": catalogue, **power_catalogue_page(catalogue)}
    filterset = PowerFilter(request.GET)
    query = list_query(filterset)
    shown, counts = facet_rows(context["powers"], query.params, FIELDS)
    facets = {
        "department": [(str(g["department"].pk), g["department"].name, counts["department"][str(g["department"].pk)])
                       for g in context["departments"]],
        "power_type": [(value, label, counts["power_type"][value]) for value, label in PowerType.choices],
        "mode": [(value, label, counts["mode"][value]) for value, label in PowerMode.choices],
    }
    groups, chips = facet_groups(query, facets, {key: filterset.filters[key].label for key in FIELDS})
    context.update({"facet_groups": groups, "chips": chips, "params": query.params, "shown": shown,
                    "shown_departments": power_department_groups(shown)})
    return _conditional(request, render(request, "permits/powers/catalogue.html", context))


@public_cache("powers", "permits")
@require_safe
def catalogue_export(request, pk, fmt):
    if fmt not in FORMATS:
        return _not_found(request, _("不支持该导出格式，可选：CSV、XLSX、JSON。"))
    catalogue = public_power_catalogue(pk)
    if catalogue is None:
        return _not_found(request)
    return export_response(request, power_export_spec(catalogue), fmt)
