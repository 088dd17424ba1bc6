"""/permits/editions/<label>/: a published or archived edition as it was, with every row counted."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.models import EditionStatus
from permits.catalogue.selectors.edition_pages import permit_edition_by_label, permit_edition_rows


@public_cache("permits")
@require_safe
def edition_detail(request, label):
    edition = permit_edition_by_label(label)
    if edition is None:
        raise Http404(_("没有名为“%(label)s”的已发布清单版本。") % {"label": label})
    items, subs, handlings = permit_edition_rows(edition)
    return render(request, "permits/edition.html", {
        "edition": edition, "items": items, "sub_items": subs, "handling_items": handlings,
        "archived": edition.status == EditionStatus.ARCHIVED,
    })
