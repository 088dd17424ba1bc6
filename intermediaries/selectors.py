"""Reads for the intermediary service lists: the edition in force, public search, facets, exports."""
import hashlib
import re

from django.db.models import Count, Prefetch, Q
from django.urls import NoReverseMatch, reverse

from permits.kernel.chinese import to_simplified
from permits.models import EditionStatus, PermitItem
from permits.kernel.exporting import ExportSpec, edition_version
from permits.kernel.selectors import city_region, current_published, edition_published_in_year

from .models import IntermediaryList, IntermediaryService

# (header, key) in file order: the shape published lists use; export writes it, the importer reads it.
SERVICE_COLUMNS = [
    ("序号", "seq"),
    ("中介服务事项名称", "name"),
    ("涉及的审批事项", "permit_items"),
    ("审批部门", "department"),
    ("设定依据", "legal_basis"),
    ("中介服务实施机构", "providers"),
    ("机构性质", "provider_nature"),
    ("委托方", "commissioner"),
    ("收费性质", "fee_nature"),
    ("收费依据", "fee_basis"),
    ("服务时限", "time_limit"),
    ("层级", "level"),
    ("备注", "remarks"),
]
SERVICE_HEADERS = [header for header, _ in SERVICE_COLUMNS]
# Between permit references in one cell; the importer also accepts ";" and line breaks.
PERMIT_REF_SEP = "；"

MAX_QUERY_LENGTH = 100


def intermediary_list_of_year(year):
    """The list published in `year` (for the annual report), or None."""
    return edition_published_in_year(IntermediaryList, year)


def intermediary_list_current():
    """The published list of the city region, or None."""
    return current_published(IntermediaryList)


def intermediary_service_count(edition):
    return IntermediaryService.objects.filter(edition=edition).count()


def permit_item_ref(item):
    """How a permit item is written in the 涉及的审批事项 cell: its name with its code, both importable."""
    return f"{item.name}（{item.code}）"


def permit_item_url(code):
    """The public page of a permit item; its address is stable (/permits/<code>/)."""
    try:
        return reverse("permits:item.detail", args=[code])
    except NoReverseMatch:
        return f"/permits/{code}/"


# ---- public search ----

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw):
    """A search string safe for every database: no control characters (PostgreSQL refuses NUL), bounded."""
    return _CONTROL.sub(" ", raw or "").strip()[:MAX_QUERY_LENGTH]


def published_services(edition=None):
    """Services of the published list (of `edition` if given, which must be published)."""
    qs = IntermediaryService.objects.published()
    if edition is not None:
        qs = qs.filter(edition=edition)
    return qs


def service_search(qs, q):
    """Every word of `q` must occur in the name, providers or legal basis; Traditional input matches too."""
    for word in clean_query(q).split():
        variants = {word, to_simplified(word)}
        condition = Q()
        for variant in variants:
            condition |= (
                Q(name__icontains=variant) | Q(providers__icontains=variant) | Q(legal_basis__icontains=variant)
            )
        qs = qs.filter(condition)
    return qs


FILTER_FIELDS = ("department", "commissioner", "fee_nature", "level")


def service_filter(qs, filters):
    """Apply the cleaned filters (a dict of FILTER_FIELDS to a value or None)."""
    if filters.get("department"):
        qs = qs.for_department(filters["department"])
    for name in ("commissioner", "fee_nature", "level"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    return qs


def service_facets(edition, q, filters):
    """For each filter, its (value, label, count) options: the number of services they would show (one query each).

    A facet counts under the search and the other filters, so its numbers are what a click gives."""
    base = service_search(published_services(edition), q)
    facets = {}
    for name in FILTER_FIELDS:
        others = {k: v for k, v in filters.items() if k != name}
        qs = service_filter(base, others)
        if name == "department":
            rows = (
                qs.values("department", "department__name", "department__order")
                .annotate(n=Count("pk"))
                .order_by("department__order", "department")
            )
            facets[name] = [(str(r["department"]), r["department__name"], r["n"]) for r in rows]
        else:
            choices = IntermediaryService._meta.get_field(name).choices
            counts = dict(qs.values_list(name).annotate(n=Count("pk")).order_by())
            facets[name] = [(value, label, counts.get(value, 0)) for value, label in choices]
    return facets


def service_list_rows(qs):
    """One page of the public list: department joined, permit items in one more query."""
    return (
        qs.select_related("department")
        .prefetch_related(Prefetch("permit_items", queryset=PermitItem.objects.only("pk", "code", "name", "seq")
                                   .order_by("seq", "code")))
        .order_by("seq", "pk")
    )


def public_service(pk):
    """A service of a published list, with its department, list and permit items; None if not public."""
    return (
        IntermediaryService.objects.filter(pk=pk, edition__status=EditionStatus.PUBLISHED)
        .select_related("department", "edition")
        .prefetch_related(
            Prefetch("permit_items", queryset=PermitItem.objects.order_by("seq", "code"))
        )
        .first()
    )


# ---- exports (the import shape) ----

def services_for_export(edition):
    return (
        IntermediaryService.objects.filter(edition=edition)
        .select_related("department")
        .prefetch_related(Prefetch("permit_items", queryset=PermitItem.objects.order_by("seq", "code")))
        .order_by("seq", "pk")
    )


def service_export_row(service):
    return [
        service.seq, service.name,
        PERMIT_REF_SEP.join(permit_item_ref(item) for item in service.permit_items.all()),
        service.department.name, service.legal_basis, service.providers, service.provider_nature,
        service.commissioner, service.fee_nature, service.fee_basis, service.time_limit, service.level,
        service.remarks,
    ]


def intermediary_export_rows(edition=None, services=None):
    """Rows in SERVICE_COLUMNS order, of an edition or of given services; constant number of queries."""
    if services is None:
        services = services_for_export(edition)
    return [service_export_row(service) for service in services]


def intermediary_export_spec(edition, services=None):
    """The list's export (public and admin), or of chosen `services` of it: the import shape in csv/xlsx, json."""
    chosen = "" if services is None else "-" + hashlib.sha256(str(sorted(s.pk for s in services)).encode()).hexdigest()[:12]
    return ExportSpec(
        name=edition.title, slug=f"intermediaries-{edition.pk}", headers=SERVICE_HEADERS,
        rows=lambda: intermediary_export_rows(edition, services=services), sheet="中介服务事项清单",
        document=lambda: intermediary_export_json(edition, services=services),
        version=edition_version(edition) + chosen, modified=edition.updated_at,
    )


def intermediary_template_spec():
    return ExportSpec(name="中介服务事项清单导入模板", slug="intermediaries-template", headers=SERVICE_HEADERS,
                      rows=list, sheet="中介服务事项清单", version="template", formats=("csv", "xlsx"))


def intermediary_export_json(edition, services=None):
    if services is None:
        services = services_for_export(edition)
    return {
        "list": {
            "id": edition.pk,
            "title": edition.title,
            "edition": edition.edition,
            "scope": edition.scope,
            "region": edition.region.name,
            "status": edition.status,
            "published_on": edition.published_on.isoformat() if edition.published_on else None,
            "basis": edition.basis,
            "service_count": len(services),
        },
        "services": [
            {
                "id": s.pk,
                "seq": s.seq,
                "name": s.name,
                "permit_items": [{"code": i.code, "name": i.name} for i in s.permit_items.all()],
                "department": s.department.name,
                "legal_basis": s.legal_basis,
                "providers": s.providers,
                "provider_nature": s.provider_nature,
                "commissioner": s.commissioner,
                "paid_by_government": s.paid_by_government,
                "fee_nature": s.fee_nature,
                "fee_basis": s.fee_basis,
                "time_limit": s.time_limit,
                "level": s.level,
                "remarks": s.remarks,
            }
            for s in services
        ],
    }


def intermediary_list_by_label(label):
    """The city's published or archived list labelled `label` (e.g. 2024年版), or None."""
    scope = city_region()
    if scope is None:
        return None
    return (IntermediaryList._base_manager.filter(
        edition=label, region=scope, status__in=(EditionStatus.PUBLISHED, EditionStatus.ARCHIVED))
        .order_by("-published_on", "-pk").first())


def intermediary_edition_services(edition):
    """Every service of the list: the rows the annual report counted."""
    return list(IntermediaryService.objects.filter(edition=edition).select_related("department").order_by("seq", "pk"))
