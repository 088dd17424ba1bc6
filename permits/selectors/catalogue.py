"""Public reads of the published permit list: search, filters with counts, item, guide, changes, JSON.

Every function runs a fixed number of queries whatever the size of the catalogue.
"""
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from permits.chinese import to_simplified
from permits.models import (
    EditionStatus, HandlingItem, Material, OnlineDepth, PermitCatalogue, PermitItem, Situation, SubItem,
)

from .diff import catalogue_diff
from .editions import current_published

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


def _term_q(variants):
    item = Q()
    sub = Q()
    handling = Q()
    for v in variants:
        item |= Q(name__icontains=v) | Q(code__icontains=v) | Q(legal_basis__icontains=v)
        sub |= Q(name__icontains=v) | Q(code__icontains=v)
        handling |= Q(name__icontains=v) | Q(code__icontains=v)
    return (
        item
        | Exists(SubItem.objects.filter(sub, item=OuterRef("pk")))
        | Exists(HandlingItem.objects.filter(handling, sub_item__item=OuterRef("pk")))
    )


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
    """The parsed, validated state of the list page: anything malformed is dropped."""

    q: str = ""
    department: int | None = None
    level: str = ""
    situation: str = ""
    fee: str = ""
    online: str = ""
    page: int = 1
    ignored: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params):
        state = cls()
        state.q = clean_query(params.get("q", ""))
        dept = params.get("department", "")
        if dept:
            if dept.isascii() and dept.isdigit() and len(dept) < 12:
                state.department = int(dept)
            else:
                state.ignored.append("department")
        # Traditional pages submit their form values converted (縣級, 新設): fold them back.
        state.level = to_simplified(clean_query(params.get("level", ""))[:64])
        situation = to_simplified(params.get("situation", "")[:8])
        if situation in Situation.values:
            state.situation = situation
        elif situation:
            state.ignored.append("situation")
        fee = params.get("fee", "")
        if fee in ("free", "paid"):
            state.fee = fee
        elif fee:
            state.ignored.append("fee")
        online = params.get("online", "")
        if online in OnlineDepth.values:
            state.online = online
        elif online:
            state.ignored.append("online")
        page = params.get("page", "1")
        if page.isascii() and page.isdigit():
            # Huge numbers mean "the end": the page is clamped to the last one later.
            state.page = max(int(page), 1) if len(page) < 10 else 10 ** 9
        elif page:
            state.ignored.append("page")
        return state

    def handling_values(self):
        """{position in HANDLING_FILTERS: wanted value} of the active handling filters."""
        values = {}
        for index, (key, _lookup, _label) in enumerate(HANDLING_FILTERS):
            value = getattr(self, key)
            if value:
                values[index] = (value == "paid") if key == "fee" else value
        return values

    def params(self):
        """The state as URL parameters (page excluded), in a stable order."""
        out = {}
        for key in ("q", "department", "level", "situation", "fee", "online"):
            value = getattr(self, key)
            if value not in ("", None):
                out[key] = str(value)
        return out

    @property
    def has_filters(self):
        return bool(self.department or self.level or self.situation or self.fee or self.online)


def published_permit_catalogue():
    return current_published(PermitCatalogue)


def permit_items_matching(edition, search):
    """Items of `edition` whose item, sub-item or handling-item names/codes (or legal basis) match q."""
    qs = PermitItem.objects.filter(edition=edition)
    for variants in query_terms(search.q):
        qs = qs.filter(_term_q(variants))
    return qs


@dataclass
class PermitListPage:
    items: list
    total: int
    page: int
    pages: int
    facets: dict


# Published editions are locked, so their filter rows can be kept per process, keyed by the
# edition's identity and last change; a newly published edition gets a new key.
_FILTER_ROWS = {}
_FILTER_ROWS_MAX = 4


@dataclass
class FilterRows:
    items: list  # (item pk, department pk) in list order
    handlings: dict  # item pk → [(level, situation, fee, online depth), ...]
    values: list  # per HANDLING_FILTERS position: item pk → set of values


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
    rows = FilterRows(items=items, handlings=dict(handlings), values=[dict(v) for v in values])
    if edition.status == EditionStatus.PUBLISHED:
        if len(_FILTER_ROWS) >= _FILTER_ROWS_MAX:
            _FILTER_ROWS.clear()
        _FILTER_ROWS[key] = rows
    return rows


def permit_list_page(edition, search, *, page_size=PAGE_SIZE):
    """One page of the filtered list plus, for every filter option, the count selecting it would give.

    The text search runs in the database (trigram indexes on PostgreSQL); filters and counts are worked
    out in Python from slim per-edition rows, so the number of queries stays fixed.
    """
    from permits.models import Department

    data = permit_filter_rows(edition)
    rows = data.items
    if search.q:
        matched = set(permit_items_matching(edition, search).values_list("pk", flat=True))
        rows = [row for row in rows if row[0] in matched]
    handlings = data.handlings
    conditions = list(search.handling_values().items())

    def fits(item_id, conds):
        if not conds:
            return True
        return any(all(h[i] == v for i, v in conds) for h in handlings.get(item_id, ()))

    if conditions:
        rows_fitting = [row for row in rows if fits(row[0], conditions)]
    else:
        rows_fitting = rows
    if search.department:
        in_department = [row for row in rows if row[1] == search.department]
        matching = [row for row in rows_fitting if row[1] == search.department]
    else:
        in_department = rows
        matching = rows_fitting

    departments = Counter(row[1] for row in rows_fitting)
    names = dict(Department.objects.filter(pk__in=list(departments)).values_list("pk", "name")) if departments else {}
    facets = {"department": sorted(((pk, names.get(pk, ""), n) for pk, n in departments.items()),
                                   key=lambda r: (-r[2], r[1]))}
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

    total = len(matching)
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(search.page, pages)
    ids = [row[0] for row in matching[(page - 1) * page_size:page * page_size]]
    items = list(
        PermitItem.objects.filter(pk__in=ids).select_related("department").order_by("seq", "pk")
        .prefetch_related(
            Prefetch("sub_items", queryset=SubItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items", queryset=HandlingItem.objects.order_by("seq", "code").only(
                "id", "sub_item_id", "code", "name", "situation", "fee", "online_depth", "promised_days",
            )),
        )
    ) if ids else []
    return PermitListPage(items=items, total=total, page=page, pages=pages, facets=facets)


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


def permit_item_detail(edition, code):
    """An item of `edition` with its sub-items, handling items and published intermediary services."""
    # The intermediary model is reached through the reverse relation: permits never imports it.
    service_model = PermitItem._meta.get_field("intermediary_services").related_model
    services = (
        service_model.objects.filter(edition__status=EditionStatus.PUBLISHED)
        .select_related("department").order_by("seq", "pk")
    )
    return (
        PermitItem.objects.filter(edition=edition, code=code)
        .select_related("department", "edition__region")
        .prefetch_related(
            Prefetch("sub_items", queryset=SubItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items", queryset=HandlingItem.objects.order_by("seq", "code")),
            Prefetch("intermediary_services", queryset=services),
        )
        .first()
    )


def handling_guide(edition, code):
    return (
        HandlingItem.objects.filter(edition=edition, code=code)
        .select_related("sub_item__item__department", "edition__region")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("seq", "pk")))
        .first()
    )


def previous_permit_catalogue(edition):
    """The edition the published one replaced: the one it was copied from, else the latest archived."""
    if edition.copied_from_id:
        previous = PermitCatalogue.objects.filter(pk=edition.copied_from_id).first()
        if previous is not None:
            return previous
    return (
        PermitCatalogue.objects.filter(region_id=edition.region_id, status=EditionStatus.ARCHIVED)
        .exclude(pk=edition.pk).order_by("-published_on", "-pk").first()
    )


ITEM_COMPARE = ("name", "department_id", "implementing_bodies", "legal_basis", "remarks")


def permit_catalogue_changes(edition, previous):
    """catalogue_diff of the items of two editions; departments loaded with the rows."""
    old = PermitItem.objects.filter(edition=previous).select_related("department").order_by("seq", "pk")
    new = PermitItem.objects.filter(edition=edition).select_related("department").order_by("seq", "pk")
    return catalogue_diff(old, new, compare=ITEM_COMPARE)


def permit_catalogue_counts(edition):
    """Numbers of items, sub-items and handling items of an edition."""
    if edition is None:
        return {"items": 0, "sub_items": 0, "handling_items": 0}
    # Three small counts: one aggregate over joins would multiply rows.
    return {
        "items": PermitItem.objects.filter(edition=edition).count(),
        "sub_items": SubItem.objects.filter(edition=edition).count(),
        "handling_items": HandlingItem.objects.filter(edition=edition).count(),
    }


def _catalogue_json_head(edition):
    return {
        "title": edition.title,
        "edition": edition.edition,
        "region": edition.region.name,
        "published_on": edition.published_on.isoformat() if edition.published_on else None,
    }


def _items_for_json(edition):
    return (
        PermitItem.objects.filter(edition=edition).select_related("department").order_by("seq", "pk")
        .prefetch_related(
            Prefetch("sub_items", queryset=SubItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items", queryset=HandlingItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items__materials", queryset=Material.objects.order_by("seq", "pk")),
        )
    )


def _item_json(item):
    return {
        "seq": item.seq, "code": item.code, "name": item.name, "department": item.department.name,
        "implementing_bodies": item.implementing_bodies, "legal_basis": item.legal_basis,
        "remarks": item.remarks,
        "sub_items": [
            {
                "code": sub.code, "name": sub.name, "approval_level": sub.approval_level,
                "exercise_level": sub.exercise_level, "accepting_level": sub.accepting_level,
                "first_review": sub.first_review,
                "handling_items": [_handling_json(h) for h in sub.handling_items.all()],
            }
            for sub in item.sub_items.all()
        ],
    }


def permit_catalogue_json(edition):
    """The whole edition as nested dicts (items → sub_items → handling_items → materials); 5 queries."""
    return {"catalogue": _catalogue_json_head(edition), "items": [_item_json(i) for i in _items_for_json(edition)]}


def permit_catalogue_json_chunks(edition, *, batch=500):
    """The same document as JSON text in pieces, a batch of items at a time (memory stays flat)."""
    import json

    yield '{"catalogue": %s, "items": [' % json.dumps(_catalogue_json_head(edition), ensure_ascii=False)
    first = True
    for chunk in _items_for_json(edition).iterator(chunk_size=batch):
        yield ("" if first else ", ") + json.dumps(_item_json(chunk), ensure_ascii=False)
        first = False
    yield "]}"


def _handling_json(h):
    return {
        "code": h.code, "name": h.name, "situation": h.situation, "conditions": h.conditions,
        "procedure": h.procedure, "statutory_days": h.statutory_days, "promised_days": h.promised_days,
        "fee": h.fee, "fee_standard": h.fee_standard, "fee_basis": h.fee_basis, "visits": h.visits,
        "online_depth": h.get_online_depth_display(), "place": h.place, "hours": h.hours,
        "enquiry_phone": h.enquiry_phone, "complaint_phone": h.complaint_phone, "online_url": h.online_url,
        "result_document": h.result_document,
        "materials": [
            {"name": m.name, "required": m.required, "form": m.form, "copies": m.copies,
             "source": m.source, "notes": m.notes}
            for m in h.materials.all()
        ],
    }
