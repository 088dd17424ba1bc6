"""The one mechanism behind every public list: validated query parameters, facets with counts, pages and their links.

A list declares a django-filter FilterSet (what each parameter may hold) and hands its facet counts and its
matching rows here; the markup is the shared templates `includes/list_filters.html`, `list_chips.html`
and `list_pagination.html`. A malformed parameter is dropped (the list shows as without it), never a 500.
"""
import functools
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import django_filters
from django import forms
from django.core.paginator import Paginator

PAGE_SIZE = 20
MAX_ID = 2**63 - 1

# A list page links ~50 variations of the same few values: each is percent-encoded once.
_quote = functools.lru_cache(maxsize=1024)(quote_plus)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals); bounds through min_value/max_value."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """A positive integer id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def list_url(params, **changes):
    """`params` with `changes` as a query string ("?" alone when empty); a value of None or "" removes its key."""
    merged = {**params, **changes}
    return "?" + "&".join(f"{_quote(k)}={_quote(str(v))}" for k, v in merged.items() if v not in ("", None))


@dataclass
class ListQuery:
    """The valid parameters of a list request, as strings in a stable order (page excluded), and those dropped."""

    params: dict
    values: dict  # name → cleaned value (None when absent or invalid)
    ignored: list = field(default_factory=list)

    @property
    def filtering(self):
        return any(value not in (None, "") for value in self.values.values())


def list_query(filterset):
    """Validate a bound FilterSet: its valid parameters travel on in links, an invalid one is dropped."""
    form = filterset.form
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    values, params = {}, {}
    for name in filterset.filters:
        value = cleaned.get(name)
        values[name] = None if value in (None, "") else value
        if values[name] is not None:
            params[name] = str(value)
    return ListQuery(params=params, values=values, ignored=sorted(form.errors))


def facet_groups(query, facets, labels):
    """The filter groups and the chips of the chosen values.

    `facets` is {parameter: [(value, label, count), ...]} in display order, counted under the search and the
    other filters, so each number is what a click gives; `labels` is {parameter: group label}. A chosen value
    toggles off; options without rows are left out unless chosen.
    """
    params = query.params
    groups, chips = [], []
    for key, label in labels.items():
        current = params.get(key, "")
        options = []
        for value, option_label, count in facets.get(key, ()):
            active = value == current
            if not (count or active):
                continue
            options.append({"value": value, "label": option_label, "count": count, "active": active,
                            "url": list_url(params, **{key: "" if active else value, "page": ""})})
            if active:
                chips.append({"label": f"{label}：{option_label}", "url": list_url(params, **{key: ""})})
        if current and not any(o["active"] for o in options):
            chips.append({"label": f"{label}：{current}", "url": list_url(params, **{key: ""})})
        groups.append({"key": key, "label": label, "options": options, "active": bool(current),
                       "clear_url": list_url(params, **{key: ""})})
    return groups, chips


def list_page(query, rows, page_number, *, page_size=PAGE_SIZE):
    """One page of `rows` (a queryset or a sequence) with its links; a bad or too large page number gives
    the first or the last page. Returns the template context every list shares."""
    params = query.params
    page = Paginator(rows, page_size).get_page(page_number)
    links = [
        None if number == Paginator.ELLIPSIS else
        {"number": number, "current": number == page.number, "url": list_url(params, page=number if number > 1 else "")}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ] if page.paginator.num_pages > 1 else []
    return {
        "page": page,
        "params": params,
        "filtering": query.filtering,
        "page_links": links,
        "prev_url": list_url(params, page=page.number - 1 if page.number > 2 else "") if page.has_previous() else None,
        "next_url": list_url(params, page=page.number + 1) if page.has_next() else None,
        "clear_q_url": list_url(params, q=""),
    }


class SearchField(forms.CharField):
    """The search box: cleaned by the list's own function (control characters dropped, length bounded), never refused."""

    def __init__(self, *args, cleaner=str.strip, **kwargs):
        self.cleaner = cleaner
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return self.cleaner(super().to_python(value) or "")


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def facet_rows(rows, params, fields):
    """For a list small enough to hold in memory: the rows passing every chosen filter, and for each
    field {value: count} under the other filters (what choosing it would give).

    `params` are ListQuery.params; `fields` is {parameter: row → value as a string}.
    """
    chosen = {key: params[key] for key in fields if params.get(key)}

    def passes(row, skip=None):
        return all(fields[key](row) == value for key, value in chosen.items() if key != skip)

    counts = {key: Counter(get(row) for row in rows if passes(row, skip=key)) for key, get in fields.items()}
    return [row for row in rows if passes(row)], counts
