"""/intermediaries/editions/<label>/: a published or archived list as it was, with every service counted."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.kernel.cache import public_cache
from permits.models import EditionStatus

from .selectors import intermediary_edition_services, intermediary_list_by_label


@public_cache("intermediaries")
@require_safe
def edition_detail(request, label):
    edition = intermediary_list_by_label(label)
    if edition is None:
        raise Http404(_("没有名为“%(label)s”的已发布中介服务事项清单。") % {"label": label})
    return render(request, "intermediaries/edition.html", {
        "edition": edition, "services": intermediary_edition_services(edition),
        "archived": edition.status == EditionStatus.ARCHIVED,
    })
