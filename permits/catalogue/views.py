"""Public views of the published permit list: list and search, item, guide, changes, open data."""
import json
import re

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_safe

from permits.catalogue import rules
from permits.catalogue.selectors import catalogue as sel, permit_list
from permits.catalogue.selectors.export import permit_export_spec
from permits.kernel.exporting import export_response
from permits.kernel.listing import facet_groups, list_page, list_query, list_url
from permits.catalogue.filters import PermitFilter
from permits.kernel.cache import public_cache
from permits.kernel.registry import item_section_namespaces, item_sections
from permits.catalogue.services.open_data import GZIP_FORMATS, RETRY_AFTER, StillWriting, open_data_file, open_data_stamp




def _published_or_404():
    edition = sel.published_permit_catalogue()
    if edition is None:
        raise Http404(_("暂无已发布的行政许可事项清单"))
    return edition


@public_cache("permits")
@require_safe
def item_list(request):
    edition = sel.published_permit_catalogue()
    filterset = PermitFilter(request.GET)
    query = list_query(filterset)
    search = permit_list.PermitSearch.from_values(query.values)
    terms = [variant for variants in permit_list.query_terms(search.q) for variant in variants]
    context = {"edition": edition, "search": search, "q": search.q, "params": query.params, "terms": terms}
    if edition is not None:
        matching, facets = permit_list.permit_list_facets(edition, search)
        listing = list_page(query, matching, request.GET.get("page"))
        items = permit_list.listed_items(list(listing["page"].object_list))
        item_url, guide_url = _code_url("permits:item.detail"), _code_url("permits:guide")
        for item in items:
            item["url"] = item_url(item["code"])
            item["sub_count_text"] = ngettext("%(n)s 个子项", "%(n)s 个子项", item["sub_count"]) % {"n": item["sub_count"]}
            for sub in item["subs"]:
                sub["handlings"] = [{"situation": situation, "url": guide_url(code)} for code, situation in sub["handlings"]]
        labels = {key: filterset.filters[key].label for key in ("department", "level", "situation", "fee", "online")}
        groups, chips = facet_groups(query, facets, labels)
        context.update(listing)
        context.update({
            "items": items, "total": listing["page"].paginator.count, "facet_groups": groups, "chips": chips,
            "clear_all_url": list_url({"q": search.q}),
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


def _working_days(h):
    """Time limits as text: schema.org's durations count calendar days, these are working days."""
    parts = []
    if h.promised_days:
        parts.append(_("承诺办结时限：%(n)s个工作日") % {"n": h.promised_days})
    if h.statutory_days:
        parts.append(_("法定办结时限：%(n)s个工作日") % {"n": h.statutory_days})
    return "；".join(parts)


def _fee_offer(h):
    offer = {"@type": "Offer", "name": h.name}
    if h.fee:
        offer["description"] = "；".join(filter(None, [_("收费"), h.fee_standard, h.fee_basis]))
    else:
        offer.update(price=0, priceCurrency="CNY", description=_("不收费"))
    return offer


def government_service_ld(request, item):
    """schema.org GovernmentService for the item, as a JSON-LD string safe inside <script>."""
    channels, offers = [], []
    for sub in item.sub_items.all():
        for h in sub.handling_items.all():
            channel = {
                "@type": "ServiceChannel",
                "name": h.name,
                "serviceUrl": h.online_url or request.build_absolute_uri(f"/permits/guide/{h.code}/"),
            }
            days = _working_days(h)
            if days:
                channel["description"] = days
            if h.enquiry_phone:
                channel["servicePhone"] = {"@type": "ContactPoint", "telephone": h.enquiry_phone,
                                           "contactType": "咨询"}
            if h.place:
                channel["serviceLocation"] = {"@type": "Place", "name": h.place, "address": h.place}
            channels.append(channel)
            offers.append(_fee_offer(h))
    region = {"@type": "AdministrativeArea", "name": item.edition.region.name}
    department = {"@type": "GovernmentOrganization", "name": item.department.name}
    bodies = [name for name in re.split(r"[、；;，,\n]+", item.implementing_bodies or "") if name.strip()]
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": item.name,
        "identifier": item.code,
        "url": request.build_absolute_uri(),
        "description": _("%(region)s行政许可事项“%(name)s”（%(code)s），主管部门：%(department)s。") % {
            "region": item.edition.region.name, "name": item.name, "code": item.code,
            "department": item.department.name},
        "serviceType": "行政许可",
        "serviceOperator": department,
        "provider": [{"@type": "GovernmentOrganization", "name": name.strip()} for name in bodies] or department,
        "areaServed": region,
        "jurisdiction": region,
        "availableChannel": channels,
        "offers": offers,
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
    if not rules.is_item_code(code):
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
    if not rules.is_handling_code(code):
        raise Http404(_("业务办理项编码格式不正确"))
    edition = _published_or_404()
    handling = sel.handling_guide(edition, code)
    if handling is None:
        raise Http404(_("未找到该业务办理项的办事指南"))
    return render(request, "permits/guide.html", {
        "edition": edition, "handling": handling, "sub_item": handling.sub_item,
        "item": handling.sub_item.item, "materials": list(handling.materials.all()),
    })


# Open data: the exporter answers conditional requests before any file is opened.

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _export_busy(request):
    """The file is still being written by the background job (after a publish or a deploy): ask to retry soon."""
    seconds = RETRY_AFTER
    message = _("开放数据文件正在生成（清单刚发布或网站刚更新时需要一点时间），请在 %(seconds)s 秒后重试。") % {"seconds": seconds}
    context = {"retry_after": seconds, "heading": _("开放数据文件正在生成"), "message": message}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


# No page cache: the file in storage is the cache, and a streamed response is never stored.
@require_safe
def export(request, fmt):
    edition = sel.published_permit_catalogue()
    if edition is None:
        raise Http404(_("暂无已发布的行政许可事项清单"))
    compressed = fmt in GZIP_FORMATS and bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))

    def stored_file():
        # Served from the written file: a worker streams it instead of holding the catalogue in memory.
        return open(open_data_file(edition, fmt, compressed=compressed), "rb")

    spec = permit_export_spec(edition)
    # The stored files' state (with open_data's FILE_VERSION) is part of what the ETag follows.
    spec.version = f"{spec.version}-{open_data_stamp(edition)}"
    try:
        return export_response(request, spec, fmt, body=stored_file,
                               encoding="gzip" if compressed else "")
    except StillWriting:
        return _export_busy(request)
