"""Reads for delegated powers, including their yearly figures."""
from itertools import groupby

from django.db.models import Count, Q

from permits.models import (
    DelegatedPower, DemonstrationSite, EditionStatus, ObservationPoint, PowerCatalogue, Region,
)

from permits.kernel.diff import catalogue_diff
from permits.kernel.exporting import ExportSpec, edition_version

# The import/export shape: (header, attribute or callable) in file order.
POWER_HEADERS = ["序号", "实施部门", "事项名称", "事项编码", "事项类型", "赋权方式", "备注"]
DIFF_COMPARE = ("name", "department_id", "power_type", "mode")
PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)


def powers_of(catalogue_or_id):
    """The powers of one catalogue, in order, with their departments (one query)."""
    return (
        DelegatedPower.objects.filter(edition=catalogue_or_id)
        .select_related("department")
        .order_by("seq", "pk")
    )


def power_catalogue_diff(catalogue, *, powers=None):
    """Added, removed and kept powers against the catalogue this one replaces (None if none).
    `powers` may pass the catalogue's already fetched powers to save a query."""
    if catalogue.replaces_id is None:
        return None
    old = powers_of(catalogue.replaces_id)
    new = powers if powers is not None else powers_of(catalogue)
    return catalogue_diff(old, new, compare=DIFF_COMPARE)


def power_catalogue_in_force(year, *, recipient=None):
    """The zone catalogue that took effect during `year` (the latest, if several), published or
    since archived; by default for the first functional zone that has one. Without an effective
    date the publication date counts."""
    qs = PowerCatalogue._base_manager.filter(
        Q(effective_on__year=year) | Q(effective_on=None, published_on__year=year),
        status__in=PUBLIC_STATUSES,
    )
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    else:
        qs = qs.filter(recipient__kind=Region.Kind.ZONE)
    return qs.select_related("recipient").order_by(
        "recipient__order", "recipient_id", "-effective_on", "-published_on", "-pk"
    ).first()


def _parent_kind_counts(townships):
    parents = {t.parent for t in townships if t.parent_id}
    counties = sum(1 for r in parents if r.kind == Region.Kind.COUNTY)
    zones = sum(1 for r in parents if r.kind == Region.Kind.ZONE)
    return counties, zones


def power_figures_for_year(year):
    """Yearly figures of the delegated powers; a value is None where data is missing."""
    figures = {
        "zone_catalogue": None, "zone_catalogue_title": None,
        "zone_powers": None, "zone_power_departments": None,
        "zone_powers_added": None, "zone_powers_removed": None,
        "observation_points": None, "observation_counties": None, "observation_zones": None,
        "demonstration_sites": None,
    }
    catalogue = power_catalogue_in_force(year)
    if catalogue is not None:
        powers = list(powers_of(catalogue))
        figures["zone_catalogue"] = catalogue
        figures["zone_catalogue_title"] = catalogue.title
        figures["zone_powers"] = len(powers)
        figures["zone_power_departments"] = len({p.department_id for p in powers})
        diff = power_catalogue_diff(catalogue, powers=powers)
        if diff is not None:
            figures["zone_powers_added"] = len(diff.added)
            figures["zone_powers_removed"] = len(diff.removed)
    points = list(ObservationPoint.objects.filter(year=year).select_related("township__parent"))
    if points:
        figures["observation_points"] = len(points)
        counties, zones = _parent_kind_counts([p.township for p in points])
        figures["observation_counties"] = counties
        figures["observation_zones"] = zones
    sites = list(DemonstrationSite.objects.filter(year=year).select_related("township__parent"))
    if sites:
        figures["demonstration_sites"] = sites
    return figures


# ---- public pages ----

def public_power_catalogues():
    """Published catalogues with their power and department counts, by recipient region."""
    return (
        PowerCatalogue.objects.published()
        .select_related("recipient", "replaces")
        .annotate(
            power_count=Count("powers", distinct=True),
            department_count=Count("powers__department", distinct=True),
        )
        .order_by("recipient__order", "recipient_id", "-effective_on", "-pk")
    )


def public_power_catalogue(pk):
    """A catalogue citizens may read (published, or archived after being replaced), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if pk <= 0 or pk > 2**63 - 1:
        return None
    return (
        PowerCatalogue._base_manager.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("recipient", "replaces")
        .first()
    )


def power_department_groups(powers):
    """`powers` grouped by department, in the departments' order: [{department, powers, count}]."""
    groups = []
    for department, rows in groupby(
        sorted(powers, key=lambda p: (p.department.order, p.department_id, p.seq, p.pk)),
        key=lambda p: p.department,
    ):
        rows = list(rows)
        groups.append({"department": department, "powers": rows, "count": len(rows)})
    return groups


def power_catalogue_page(catalogue):
    """Everything the catalogue page shows, in a constant number of queries (one or two)."""
    powers = list(powers_of(catalogue))
    diff = power_catalogue_diff(catalogue, powers=powers)
    return {
        "powers": powers,
        "departments": power_department_groups(powers),
        "diff": diff,
        "retained": diff.retained if diff is not None else [],
    }


def observation_point_groups(year=None):
    """Observation points grouped by their county or functional zone, each with a count."""
    qs = ObservationPoint.objects.select_related("township__parent").order_by(
        "township__parent__kind", "township__parent__order", "township__parent_id",
        "township__order", "township_id", "-year",
    )
    if year is not None:
        qs = qs.filter(year=year)
    points = list(qs)
    groups = []
    for parent, rows in groupby(points, key=lambda p: p.township.parent):
        rows = list(rows)
        groups.append({"region": parent, "points": rows, "count": len(rows)})
    counties, zones = _parent_kind_counts([p.township for p in points])
    return {"groups": groups, "total": len(points), "counties": counties, "zones": zones}


def demonstration_sites():
    return DemonstrationSite.objects.select_related("township__parent").order_by("-year", "pk")


def power_export_rows(powers):
    """Rows in the import shape (POWER_HEADERS order), so a download imports back unchanged."""
    for p in powers:
        yield [p.seq, p.department.name, p.name, p.code, p.power_type, p.mode, p.remarks]


def power_export_record(power):
    return {
        "seq": power.seq, "department": power.department.name, "name": power.name,
        "code": power.code, "power_type": power.power_type, "mode": power.mode,
        "remarks": power.remarks,
    }


def power_export_document(catalogue, powers):
    return {
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
    }


def power_export_spec(catalogue):
    """A delegated-power catalogue's export (public and admin): the import shape in csv/xlsx, the catalogue in json."""
    powers = []

    def loaded():  # read once, whichever format asks first
        if not powers:
            powers.extend(powers_of(catalogue))
        return powers

    return ExportSpec(
        name=catalogue.title, slug=f"powers-{catalogue.pk}", headers=POWER_HEADERS,
        rows=lambda: power_export_rows(loaded()), document=lambda: power_export_document(catalogue, loaded()),
        sheet="赋权目录", version=edition_version(catalogue), modified=catalogue.updated_at,
    )


def power_template_spec():
    return ExportSpec(name="赋权目录导入模板", slug="powers-template", headers=POWER_HEADERS, rows=list,
                      sheet="赋权目录", version="template", formats=("csv", "xlsx"))
