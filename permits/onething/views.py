"""Public views: the 高效办成一件事 bundles with their reductions."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.kernel.chinese import percent_text
from permits.kernel.params import param_year
from permits.onething.selectors import mean_reduction, one_thing_list


_year = param_year


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
