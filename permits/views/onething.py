"""Public views: the 高效办成一件事 bundles with their reductions."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from permits.selectors.onething import mean_reduction, one_thing_list
from permits.cache import public_cache


def percent_text(fraction):
    return "" if fraction is None else f"{fraction * 100:.1f}%"


def _year(value):
    """The `year` query parameter as an int, or None when absent or not a plausible year."""
    # isdigit() alone accepts "²" and "①", which int() refuses; a plausible year has four ASCII digits.
    if value and len(value) == 4 and value.isascii() and value.isdigit() and 1990 <= int(value) <= 2100:
        return int(value)
    return None


@public_cache("onethings", "permits")
@require_safe
def one_thing_index(request):
    year = _year(request.GET.get("year", ""))
    bundles = list(one_thing_list(year=year))
    measured = [b for b in bundles if b.reduction is not None]
    for bundle in bundles:
        bundle.reduction_text = percent_text(bundle.reduction)
    average = mean_reduction(measured)
    return render(request, "permits/one_things.html", {
        "bundles": bundles,
        "year": year,
        "measured_count": len(measured),
        "one_window_count": sum(1 for b in bundles if b.one_window),
        "average_percent": percent_text(average),
    })
