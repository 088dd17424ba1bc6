"""The public list of permits: the search box, the filters with their counts, one page of results.

A fixed number of queries whatever the size of the catalogue; the work per request is proportional
to the items a search word matched, or nothing beyond one page when counts are remembered.
"""
import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from permits.kernel.cache import versioned_read
from permits.kernel.chinese import to_simplified
from permits.models import (
    Department, EditionStatus, HandlingItem, OnlineDepth, PermitItem, PermitSearchText, Situation, SubItem,
)
from permits.catalogue.search_models import grams_contain_sql
from permits.catalogue.search_text import search_bigrams, search_fold, search_index_rows

PAGE_SIZE = 20
MAX_QUERY_CHARS = 100
MAX_TERMS = 5
# Control characters, zero-width and other format characters are dropped from queries.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def clean_query(raw):
    """A user's search text made safe: printable, trimmed, at most MAX_QUERY_CHARS characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _UNPRINTABLE.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def query_terms(q):
    """Up to MAX_TERMS words; each one as typed and, if different, in Simplified characters."""
    terms = []
    for word in q.split()[:MAX_TERMS]:
        variants = {word, to_simplified(word)}
        terms.append(sorted(variants))
    return terms


# Filters on handling items (and their sub-item): (parameter, lookup, label).
HANDLING_FILTERS = [
    ("level", "sub_item__exercise_level", _("行使层级")),
    ("situation", "situation", _("办理情形")),
    ("fee", "fee", _("是否收费")),
    ("online", "online_depth", _("网上办理深度")),
]
FEE_CHOICES = [("free", False, _("不收费")), ("paid", True, _("收费"))]


@dataclass
class PermitSearch:
    """The validated state of the list page (permits.catalogue.filters.PermitFilter): anything malformed is dropped."""

    q: str = ""
    department: int | None = None
    level: str = ""
    situation: str = ""
    fee: str = ""
    online: str = ""

    @classmethod
    def from_values(cls, values):
        return cls(**{name: values.get(name) or default for name, default in
                      (("q", ""), ("department", None), ("level", ""), ("situation", ""), ("fee", ""), ("online", ""))})

    def handling_values(self):
        """{position in HANDLING_FILTERS: wanted value} of the active handling filters."""
        values = {}
        for index, (key, _lookup, _label) in enumerate(HANDLING_FILTERS):
            value = getattr(self, key)
            if value:
                values[index] = (value == "paid") if key == "fee" else value
        return values

    @property
    def has_filters(self):
        return bool(self.department or self.level or self.situation or self.fee or self.online)


def permit_items_matching(edition, search):
    """pks of the items of `edition` whose names, codes or legal basis, or those of their sub-items and
    handling items, hold every word of q (in either script): one query on the index written at publish."""
    connection = connections[router.db_for_read(PermitSearchText)]
    with connection.cursor() as cursor:
        cursor.execute(*permit_search_sql(connection, edition, search))
        return [row[0] for row in cursor.fetchall()]


def permit_search_sql(connection, edition, search):
    """The search as SQL for `connection`. Written out rather than built by the ORM on every request
    (the busiest query of the site took longer to build than to answer), from the model's names, the
    backend's own LIKE and the indexed expression of GramsField's lookup."""
    qn = connection.ops.quote_name
    text_like = f"{qn('text')} {connection.operators['contains'] % '%s'}"
    grams = grams_contain_sql(qn("grams"), connection)
    where, params = [f"{qn('edition_id')} = %s"], [edition.pk]
    for variants in query_terms(search.q):
        either = []
        for variant in variants:
            folded = search_fold(variant)
            pattern = f"%{connection.ops.prep_for_like_query(folded)}%"
            # The GIN index narrows by two-character pieces; the substring test decides.
            if grams:
                either.append(f"({grams} AND {text_like})")
                params += [search_bigrams(folded), pattern]
            else:
                either.append(text_like)
                params.append(pattern)
        where.append(f"({' OR '.join(either)})")
    return (f"SELECT {qn('item_id')} FROM {qn(PermitSearchText._meta.db_table)} WHERE {' AND '.join(where)}",
            params)


# Published editions are locked, so their filter rows can be kept per process, keyed by the
# edition's identity and last change; a newly published edition gets a new key.
_FILTER_ROWS = {}
_FILTER_ROWS_MAX = 4
# Per edition, the counts of up to this many filter combinations without a search word.
_SUMMARIES_MAX = 64


@dataclass
class FilterRows:
    items: list  # (item pk, department pk) in list order
    handlings: dict  # item pk → [(level, situation, fee, online depth), ...]
    values: list  # per HANDLING_FILTERS position: item pk → set of values
    position: dict = field(default_factory=dict)  # item pk → index in items
    summaries: dict = field(default_factory=dict)  # filter state → ListSummary (published only)
    keep: bool = False


@dataclass
class ListSummary:
    matching: array  # item pks in list order
    departments: dict  # department pk → count
    facets: dict  # filter key → {value: count}


def permit_filter_rows(edition):
    """The slim rows filters and counts are computed from (two queries on first use per edition)."""
    key = (edition.pk, edition.updated_at, edition.status)
    cached = _FILTER_ROWS.get(key)
    if cached is not None:
        return cached
    items = list(PermitItem.objects.filter(edition=edition).order_by("seq", "pk").values_list("pk", "department_id"))
    handlings = defaultdict(list)
    values = [defaultdict(set) for _ in HANDLING_FILTERS]
    for item_id, *row in (
        HandlingItem.objects.filter(edition=edition).order_by()
        .values_list("sub_item__item_id", *(lookup for _key, lookup, _label in HANDLING_FILTERS))
    ):
        handlings[item_id].append(tuple(row))
        for index, value in enumerate(row):
            values[index][item_id].add(value)
    rows = FilterRows(items=items, handlings=dict(handlings), values=[dict(v) for v in values],
                      position={row[0]: index for index, row in enumerate(items)},
                      keep=edition.status == EditionStatus.PUBLISHED)
    if rows.keep:
        _remember(_FILTER_ROWS, key, rows, _FILTER_ROWS_MAX)
    return rows


def _remember(store, key, value, limit):
    """store[key] = value, emptying `store` first when it holds `limit` entries (bounds memory)."""
    if len(store) >= limit:
        store.clear()
    store[key] = value


def _list_summary(data, search, rows):
    """Which of `rows` pass the filters, and for every option the count choosing it would give.

    The work is proportional to len(rows): the items a search word matched, or the whole list.
    """
    handlings = data.handlings
    conditions = list(search.handling_values().items())

    def fits(item_id, conds):
        return any(all(h[i] == v for i, v in conds) for h in handlings.get(item_id, ()))

    rows_fitting = [row for row in rows if fits(row[0], conditions)] if conditions else rows
    if search.department:
        in_department = [row for row in rows if row[1] == search.department]
        matching = [row for row in rows_fitting if row[1] == search.department]
    else:
        in_department = rows
        matching = rows_fitting
    facets = {}
    for index, (key, _lookup, _label) in enumerate(HANDLING_FILTERS):
        others = [(i, v) for i, v in conditions if i != index]
        counter = Counter()
        if others:
            for row in in_department:
                counter.update({h[index] for h in handlings.get(row[0], ()) if all(h[i] == v for i, v in others)})
        else:
            values = data.values[index]
            for row in in_department:
                counter.update(values.get(row[0], ()))
        facets[key] = dict(counter)
    return ListSummary(matching=array("q", (row[0] for row in matching)),
                       departments=dict(Counter(row[1] for row in rows_fitting)), facets=facets)


def permit_list_summary(edition, search):
    """_list_summary for `search`: over the matched items when there is a search word, else over the
    whole list, remembered per filter combination for a published (locked) edition."""
    data = permit_filter_rows(edition)
    if search.q:
        position = data.position
        matched = sorted((pk for pk in permit_items_matching(edition, search) if pk in position),
                         key=position.__getitem__)
        return _list_summary(data, search, [data.items[position[pk]] for pk in matched])
    key = (search.department, tuple(sorted(search.handling_values().items())))
    summary = data.summaries.get(key)
    if summary is None:
        summary = _list_summary(data, search, data.items)
        if data.keep:
            _remember(data.summaries, key, summary, _SUMMARIES_MAX)
    return summary


@versioned_read("site")
def department_names():
    """{pk: name} of every department (a few hundred at most); a department save bumps "site"."""
    return dict(Department.objects.order_by().values_list("pk", "name"))


def permit_list_facets(edition, search):
    """(the matching item pks in list order, the facet counts) of the filtered list.

    The search word runs on the index written at publish; filters and counts are worked out in Python
    from slim per-edition rows, so the number of queries stays fixed.
    """
    summary = permit_list_summary(edition, search)
    departments = summary.departments
    names = department_names()
    if not names.keys() >= departments.keys():  # a department written in bulk, past the signals
        names = department_names.__wrapped__()
    facets = {"department": sorted(((pk, names.get(pk, ""), n) for pk, n in departments.items()),
                                   key=lambda r: (-r[2], r[1])), **summary.facets}
    return summary.matching, facet_options(facets)


def listed_items(ids):
    """The result rows of items `ids`, in that order, from the cards written at publish: one read of
    as many rows as the page shows. Items without a card (written outside publish) are built from
    their rows with the same code."""
    if not ids:
        return []
    names = department_names()
    cards = _cards(ids)
    missing = [pk for pk in ids if not cards.get(pk)]
    if missing:
        cards.update((pk, row[2]) for pk, row in search_index_rows(
            PermitItem, SubItem, HandlingItem, pk__in=missing).items())
    loaded = {pk: json.loads(cards[pk]) for pk in ids if pk in cards}
    if not names.keys() >= {card["department"] for card in loaded.values()}:  # a department written in bulk
        names = department_names.__wrapped__()
    listed = []
    # Plain dicts: the template's lookups find a key at once, where an attribute costs a failed key lookup first.
    for card in loaded.values():
        listed.append({
            "code": card["code"], "name": card["name"], "department_name": names.get(card["department"], ""),
            "sub_count": card["sub_count"], "more": card["sub_count"] > len(card["subs"]),
            "subs": [{"name": sub["name"], "exercise_level": sub["level"], "handlings": sub["handlings"]}
                     for sub in card["subs"]],
        })
    return listed


def _cards(ids):
    """{item pk: card JSON} of `ids`, from the search index rows written at publish."""
    return dict(PermitSearchText.objects.filter(item_id__in=ids).values_list("item_id", "card"))


def facet_options(facets):
    """Facet counts as labelled options, in a fixed display order."""
    level_order = ["国家级", "省级", "市级", "县级", "乡级"]
    levels = sorted(
        ((v, v, n) for v, n in facets["level"].items() if v),
        key=lambda r: (level_order.index(r[0]) if r[0] in level_order else 99, r[0]),
    )
    return {
        "department": [(str(pk), name, n) for pk, name, n in facets["department"]],
        "level": levels,
        "situation": [(v, label, facets["situation"][v]) for v, label in Situation.choices
                      if v in facets["situation"]],
        "fee": [(key, label, facets["fee"][val]) for key, val, label in FEE_CHOICES if val in facets["fee"]],
        "online": [(v, label, facets["online"][v]) for v, label in OnlineDepth.choices
                   if v in facets["online"]],
    }
