"""Public views: the 高效办成一件事 bundles with their reductions."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from permits.kernel.listing import facet_groups, list_query
from permits.onething.filters import OneThingFilter
from permits.kernel.cache import public_cache
from permits.kernel.chinese import percent_text
from permits.kernel.params import param_year
from permits.onething.selectors import mean_reduction, one_thing_level_facets, one_thing_list


_year = param_year


@public_cache("onethings", "permits")
@require_safe
def one_thing_index(request):
    filterset = OneThingFilter(request.GET, queryset=one_thing_list())
    query = list_query(filterset)
    year = query.values["year"]
    bundles = list(filterset.qs)
    measured = [b for b in bundles if b.reduction is not None]
    for bundle in bundles:
        bundle.reduction_text = percent_text(bundle.reduction)
    groups, chips = facet_groups(query, {"level": one_thing_level_facets(year)}, {"level": filterset.filters["level"].label})
    return render(request, "permits/one_things.html", {
        "bundles": bundles,
        "year": year,
        "params": query.params,
        "facet_groups": groups,
        "chips": chips,
        "measured_count": len(measured),
        "one_window_count": sum(1 for b in bundles if b.one_window),
        "average_percent": percent_text(mean_reduction(measured)),
    })
