"""Reads for 高效办成一件事 bundles, including their yearly figures."""
from django.db.models import Count

from permits.models import OneThing


def one_thing_list():
    """Bundles in display order with their departments (the page's OneThingFilter narrows them)."""
    return OneThing.objects.prefetch_related("departments").order_by("order", "launched_on", "pk")


def one_thing_level_facets(year=None):
    """(level, label, count) of the bundles (of `year` if given): the level filter's options."""
    qs = OneThing.objects.all() if year is None else OneThing.objects.of_year(year)
    counts = dict(qs.order_by().values_list("level").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in OneThing.Level.choices]


def mean_reduction(bundles):
    """Mean over measured bundles of each bundle's own mean reduction; None when none is measured."""
    values = [b.reduction for b in bundles if b.reduction is not None]
    if not values:
        return None
    return sum(values) / len(values)


def one_thing_figures_for_year(year):
    """Yearly figures of the bundles launched in `year`; values are None without data."""
    bundles = list(OneThing.objects.of_year(year).only(
        "pk", "one_window", "materials_before", "materials_after", "visits_before", "visits_after",
        "days_before", "days_after",
    ))
    if not bundles:
        return {"one_things": None, "one_things_one_window": None, "one_things_measured": None,
                "one_things_reduction": None}
    measured = [b for b in bundles if b.reduction is not None]
    return {
        "one_things": len(bundles),
        "one_things_one_window": sum(1 for b in bundles if b.one_window),
        "one_things_measured": len(measured),
        "one_things_reduction": mean_reduction(measured),
    }


def one_thing_reductions_for_year(year):
    """(name, reduction) of the measured bundles of `year`, largest first: the report's chart."""
    rows = [(b.name, b.reduction) for b in OneThing.objects.of_year(year).order_by("order", "pk")]
    rows = [(name, value) for name, value in rows if value is not None]
    return sorted(rows, key=lambda row: -row[1])
