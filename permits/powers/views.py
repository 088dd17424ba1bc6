"""Public views: delegated-power catalogues, observation points and demonstration sites."""
import datetime
import hashlib
import json
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.importing.formats import write_csv, write_xlsx
from permits.kernel.cache import public_cache
from permits.kernel.params import param_int
from permits.powers.selectors import (
    POWER_HEADERS, demonstration_sites, observation_point_groups, power_catalogue_page,
    power_export_record, power_export_rows, powers_of, public_power_catalogue,
    public_power_catalogues,
)

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _conditional(request, response, *, page=True):
    """ETag from the body (and, for pages, the script); a matching If-None-Match gets 304."""
    if response.status_code != 200:
        return response
    # Pages are turned into Traditional characters later, by middleware: their tag must differ.
    script = getattr(request, "zh_script", "hans") if page else "data"
    response["ETag"] = quote_etag(hashlib.md5(response.content + script.encode(), usedforsecurity=False).hexdigest())
    if page:
        # Revalidate every time: the page depends on the script cookie (简/繁) as well as the data.
        patch_cache_control(response, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
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
    return _conditional(request, render(request, "permits/powers/catalogue.html", context))


@public_cache("powers", "permits")
@require_safe
def catalogue_export(request, pk, fmt):
    if fmt not in EXPORT_TYPES:
        return _not_found(request, _("不支持该导出格式，可选：CSV、XLSX、JSON。"))
    catalogue = public_power_catalogue(pk)
    if catalogue is None:
        return _not_found(request)
    powers = list(powers_of(catalogue))
    if fmt == "csv":
        body = write_csv(POWER_HEADERS, power_export_rows(powers))
    elif fmt == "xlsx":
        body = write_xlsx(POWER_HEADERS, power_export_rows(powers), title=_("赋权目录"))
    else:
        body = json.dumps({
            "catalogue": {
                "id": catalogue.pk, "title": catalogue.title, "edition": catalogue.edition,
                "recipient": catalogue.recipient.name,
                "published_on": catalogue.published_on.isoformat() if catalogue.published_on else None,
                "basis": catalogue.basis, "basis_number": catalogue.basis_number,
                "effective_on": catalogue.effective_on.isoformat() if catalogue.effective_on else None,
                "replaces": catalogue.replaces_id,
                "status": catalogue.status,
            },
            "count": len(powers),
            "powers": [power_export_record(p) for p in powers],
        }, ensure_ascii=False, indent=1).encode("utf-8")
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    stamp = (catalogue.effective_on or catalogue.published_on or datetime.date.today()).isoformat()
    ascii_name = f"powers-{catalogue.pk}-{stamp}.{fmt}"
    if fmt != "json":  # JSON opens in the browser, as the other open-data lists do
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f'{catalogue.title}.{fmt}')}"
        )
    return _conditional(request, response, page=False)
