"""Public views of the published permit list: list and search, item, guide, changes, open data."""
import functools
import json
import re
from urllib.parse import quote_plus

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from permits.catalogue.models import HANDLING_CODE_RE, ITEM_CODE_RE
from permits.catalogue.selectors import catalogue as sel, permit_list
from permits.kernel.cache import public_cache
from permits.kernel.registry import item_section_namespaces, item_sections
from permits.catalogue.services.open_data import GZIP_FORMATS, RETRY_AFTER, StillWriting, open_data_file, open_data_stamp


ITEM_CODE = re.compile(ITEM_CODE_RE.replace("$", r"\Z"))
HANDLING_CODE = re.compile(HANDLING_CODE_RE.replace("$", r"\Z"))


def _published_or_404():
    edition = sel.published_permit_catalogue()
    if edition is None:
        raise Http404(_("暂无已发布的行政许可事项清单"))
    return edition


# A list page links ~50 variations of the same few values: each is percent-encoded once.
_quote = functools.lru_cache(maxsize=1024)(quote_plus)


def _url(params, **changes):
    """`params` with `changes` as a query string, as urlencode() writes it; empty values dropped."""
    merged = {**params, **changes}
    query = "&".join(f"{_quote(k)}={_quote(str(v))}" for k, v in merged.items() if v not in ("", None))
    return "?" + query


@public_cache("permits")
@require_safe
def item_list(request):
    edition = sel.published_permit_catalogue()
    search = permit_list.PermitSearch.from_params(request.GET)
    params = search.params()
    terms = [variant for variants in permit_list.query_terms(search.q) for variant in variants]
    context = {"edition": edition, "search": search, "params": params, "terms": terms}
    if edition is not None:
        result = permit_list.permit_list_page(edition, search)
        items, total, page, pages = result.items, result.total, result.page, result.pages
        item_url, guide_url = _code_url("permits:item.detail"), _code_url("permits:guide")
        for item in items:
            item.url = item_url(item.code)
            for sub in item.subs:
                sub.handlings = [(code, situation, guide_url(code)) for code, situation in sub.handlings]
        options = permit_list.facet_options(result.facets)
        filters = []
        labels = {"department": _("主管部门"), "level": _("行使层级"), "situation": _("办理情形"),
                  "fee": _("是否收费"), "online": _("网上办理深度")}
        active_labels = []
        for key in ("department", "level", "situation", "fee", "online"):
            current = params.get(key, "")
            entries = [
                {"value": value, "label": label, "count": count, "active": value == current,
                 "url": _url(params, **{key: "" if value == current else value, "page": ""})}
                for value, label, count in options[key]
            ]
            filters.append({"key": key, "label": labels[key], "options": entries,
                            "clear_url": _url(params, **{key: ""}), "active": bool(current)})
            for entry in entries:
                if entry["active"]:
                    active_labels.append({"label": f"{labels[key]}：{entry['label']}", "url": entry["url"]})
            if current and not any(e["active"] for e in entries):
                active_labels.append({"label": f"{labels[key]}：{current}", "url": _url(params, **{key: ""})})
        context.update({
            "items": items, "total": total, "page": page, "pages": pages, "filters": filters,
            "active_filters": active_labels,
            "prev_url": _url(params, page=page - 1 if page > 2 else "") if page > 1 else None,
            "next_url": _url(params, page=page + 1) if page < pages else None,
            "page_links": [
                None if n is None else
                {"number": n, "url": _url(params, page=n if n > 1 else ""), "current": n == page}
                for n in _page_window(page, pages)
            ],
            "clear_all_url": _url({"q": search.q}) if search.q else "?",
            "clear_q_url": _url(params, q=""),
        })
    return render(request, "permits/items.html", context)


def _code_url(name):
    """URLs of one pattern for many codes with a single reverse(): codes are plain digits and Y."""
    pattern = reverse(name, args=["0"])
    head, tail = pattern.rsplit("0", 1)
    return lambda code: f"{head}{code}{tail}"


def _page_window(page, pages, width=2):
    numbers = {1, pages} | set(range(max(page - width, 1), min(page + width, pages) + 1))
    out, last = [], 0
    for n in sorted(numbers):
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def _iso_days(days):
    return f"P{days}D" if days else None


def government_service_ld(request, item):
    """schema.org GovernmentService for the item, as a JSON-LD string safe inside <script>."""
    channels = []
    for sub in item.sub_items.all():
        for h in sub.handling_items.all():
            channel = {
                "@type": "ServiceChannel",
                "name": h.name,
                "serviceUrl": h.online_url or request.build_absolute_uri(f"/permits/guide/{h.code}/"),
            }
            days = h.promised_days or h.statutory_days
            if days:
                channel["processingTime"] = _iso_days(days)
            if h.enquiry_phone:
                channel["servicePhone"] = {"@type": "ContactPoint", "telephone": h.enquiry_phone,
                                           "contactType": "咨询"}
            if h.place:
                channel["serviceLocation"] = {"@type": "Place", "name": h.place, "address": h.place}
            channels.append(channel)
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": item.name,
        "identifier": item.code,
        "url": request.build_absolute_uri(),
        "serviceType": "行政许可",
        "serviceOperator": {"@type": "GovernmentOrganization", "name": item.department.name},
        "areaServed": {"@type": "AdministrativeArea", "name": item.edition.region.name},
        "availableChannel": channels,
    }
    if item.legal_basis:
        data["termsOfService"] = item.legal_basis
    text = json.dumps(data, ensure_ascii=False, indent=None)
    # Escape what could close the script element or start markup.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


@public_cache("permits", more=item_section_namespaces)
@require_safe
def item_detail(request, code):
    if not ITEM_CODE.match(code):
        raise Http404(_("事项编码格式不正确"))
    edition = _published_or_404()
    item = sel.permit_item_detail(edition, code)
    if item is None:
        raise Http404(_("未找到编码为该值的许可事项"))
    subs = list(item.sub_items.all())
    handling_count = sum(len(s.handling_items.all()) for s in subs)
    return render(request, "permits/item.html", {
        "edition": edition, "item": item, "sub_items": subs, "handling_count": handling_count,
        "sections": [{"template": s.template, "rows": s.rows(item)} for s in item_sections()],
        "json_ld": government_service_ld(request, item),
    })


@public_cache("permits")
@require_safe
def guide(request, code):
    if not HANDLING_CODE.match(code):
        raise Http404(_("业务办理项编码格式不正确"))
    edition = _published_or_404()
    handling = sel.handling_guide(edition, code)
    if handling is None:
        raise Http404(_("未找到该业务办理项的办事指南"))
    return render(request, "permits/guide.html", {
        "edition": edition, "handling": handling, "sub_item": handling.sub_item,
        "item": handling.sub_item.item, "materials": list(handling.materials.all()),
    })


# Open data: conditional GET on the edition's identity and last change.

def _export_edition(request):
    if not hasattr(request, "_export_edition"):
        request._export_edition = sel.published_permit_catalogue()
    return request._export_edition


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _export_gzip(request, fmt):
    return fmt in GZIP_FORMATS and bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _export_etag(request, fmt):
    edition = _export_edition(request)
    if edition is None:
        return None
    stamp = open_data_stamp(edition)
    encoding = "-gz" if _export_gzip(request, fmt) else ""
    return f"permits-{edition.pk}-{stamp}-{edition.published_on or ''}-{fmt}{encoding}"


def _export_modified(request, fmt):
    edition = _export_edition(request)
    return edition.updated_at if edition is not None else None


def _filename(edition, ext):
    return f"permit-catalogue-{edition.pk}-{edition.published_on or 'current'}.{ext}"


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _export_busy(request):
    """The file is still being written by another process (after a publish or a deploy): ask to retry soon."""
    seconds = RETRY_AFTER
    message = _("开放数据文件正在生成（清单刚发布或网站刚更新时需要一点时间），请在 %(seconds)s 秒后重试。") % {"seconds": seconds}
    context = {"retry_after": seconds, "heading": _("开放数据文件正在生成"), "message": message}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


# No page cache: the file in storage is the cache, and a streamed response is never stored.
@require_safe
@condition(etag_func=_export_etag, last_modified_func=_export_modified)
def export(request, fmt):
    edition = _export_edition(request)
    if edition is None:
        raise Http404(_("暂无已发布的行政许可事项清单"))
    compressed = _export_gzip(request, fmt)
    try:
        path = open_data_file(edition, fmt, stamp=open_data_stamp(edition), compressed=compressed)
    except StillWriting:
        return _export_busy(request)
    # Served from the written file: a worker streams it instead of holding the catalogue in memory.
    response = FileResponse(open(path, "rb"), content_type=EXPORT_TYPES[fmt])
    if fmt in GZIP_FORMATS:
        response["Vary"] = "Accept-Encoding"
    if compressed:
        response["Content-Encoding"] = "gzip"
    # Named after the data, never after the stored (possibly .gz) file.
    disposition = "inline" if fmt == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_filename(edition, fmt)}"'
    response["Cache-Control"] = "public, max-age=300"
    return response
