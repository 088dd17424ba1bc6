"""A 高效办成一件事 bundle on its own page, so the site map can list every bundle."""
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.models import EditionStatus, HandlingItem, OneThing
from permits.onething.views import percent_text

MAX_ID = 2**31 - 1


@public_cache("onethings", "permits")
@require_safe
def one_thing_detail(request, pk):
    bundle = (OneThing.objects.filter(pk=pk).prefetch_related(
        "departments",
        Prefetch("handling_items", queryset=HandlingItem.objects.filter(edition__status=EditionStatus.PUBLISHED)
                 .order_by("code"), to_attr="published_handling_items"),
    ).first() if 0 < pk <= MAX_ID else None)
    if bundle is None:
        raise Http404(_("没有这个“一件事”"))
    rows = [(_("申请材料（件）"), bundle.materials_before, bundle.materials_after, bundle.reductions["materials"]),
            (_("跑动次数（次）"), bundle.visits_before, bundle.visits_after, bundle.reductions["visits"]),
            (_("办理时限（工作日）"), bundle.days_before, bundle.days_after, bundle.reductions["days"])]
    return render(request, "portal/one_thing.html", {
        "bundle": bundle, "reduction_text": percent_text(bundle.reduction),
        "rows": [(label, before, after, percent_text(fraction)) for label, before, after, fraction in rows],
    })
