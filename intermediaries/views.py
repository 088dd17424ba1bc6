"""Public pages of the intermediary service list: search and filters, one page per service, exports."""
from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.kernel.exporting import export_response

from . import selectors
from .models import IntermediaryService

MAX_ID = 2**63 - 1


class ServiceFilterForm(forms.Form):
    """The query string of the list page; an invalid value is dropped, never an error page."""

    department = forms.IntegerField(label=gettext_lazy("审批部门"), required=False, min_value=1, max_value=MAX_ID)
    commissioner = forms.ChoiceField(label=gettext_lazy("委托方"), required=False, choices=IntermediaryService.Commissioner.choices)
    fee_nature = forms.ChoiceField(label=gettext_lazy("收费性质"), required=False, choices=IntermediaryService.FeeNature.choices)
    level = forms.ChoiceField(label=gettext_lazy("层级"), required=False, choices=IntermediaryService.Level.choices)

    def values(self):
        """The valid parameters (invalid ones left out) and whether any were left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        # The search text is cleaned, not validated: control characters are dropped rather than refused.
        q = selectors.clean_query(self.data.get("q") or "")
        filters = {name: data.get(name) or None for name in selectors.FILTER_FIELDS}
        return q, filters, bool(self.errors)


def _current_list(request):
    if not hasattr(request, "_intermediary_list"):
        request._intermediary_list = selectors.intermediary_list_current()
    return request._intermediary_list


def _url(params, **changes):
    """The list address with `params` changed (None removes a key); the page always starts again."""
    query = {k: v for k, v in params.items() if k != "page" and v not in (None, "")}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + urlencode(query) if query else "?"


def _facet_groups(facets, params, filters):
    groups, chips = [], []
    for name in selectors.FILTER_FIELDS:
        label = ServiceFilterForm.base_fields[name].label
        selected = str(filters[name]) if filters[name] else ""
        options = []
        for option in facets[name]:
            active = option["value"] == selected
            if option["count"] or active:
                options.append({**option, "active": active, "url": _url(params, **{name: option["value"]})})
                if active:
                    chips.append({"label": f"{label}：{option['label']}", "url": _url(params, **{name: None})})
        groups.append({"key": name, "label": label, "options": options, "active": bool(selected),
                       "clear_url": _url(params, **{name: None})})
    return groups, chips


@public_cache("intermediaries", "permits")
@require_safe
def service_list(request):
    edition = _current_list(request)
    form = ServiceFilterForm(request.GET)
    q, filters, ignored = form.values()
    # Only the valid parameters travel on in links.
    params = {"q": q, **{k: str(v) for k, v in filters.items() if v}}
    context = {"edition": edition, "q": q, "filters": filters, "ignored": ignored}
    if edition is not None:
        services = selectors.service_filter(
            selectors.service_search(selectors.published_services(edition), q), filters
        )
        page = Paginator(selectors.service_list_rows(services), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        groups, chips = _facet_groups(selectors.service_facets(edition, q, filters), params, filters)
        page_links = [
            None if number == Paginator.ELLIPSIS else {
                "number": number, "current": number == page.number,
                "url": _url(params, page=number) if number > 1 else _url(params),
            }
            for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ]
        context.update({
            "page": page,
            "facet_groups": groups,
            "chips": chips,
            "clear_q_url": _url(params, q=None),
            "filtering": bool(q) or any(filters.values()),
            "params": params,
            "page_links": page_links,
            "prev_url": _url(params, page=page.previous_page_number()) if page.has_previous() else None,
            "next_url": _url(params, page=page.next_page_number()) if page.has_next() else None,
        })
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
