"""An edition of the permit catalogue as it was: its items and service guides under /permits/editions/<label>/
(the old side of the changes page links here). Published and archived editions only; drafts are never public."""
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from permits.catalogue.selectors import catalogue as sel
from permits.kernel.cache import public_cache
from permits.catalogue import rules


def _edition_or_404(label):
    edition = sel.public_permit_catalogue(label)
    if edition is None:
        raise Http404(_("没有找到该版本的行政许可事项清单"))
    return edition


def _current(name, code):
    """The link to the same row in the edition in force, if it holds that code."""
    current = sel.published_permit_catalogue()
    if current is None or not sel.edition_has_code(current, code):
        return ""
    try:
        return reverse(name, args=[code])
    except NoReverseMatch:
        return ""


@public_cache("permits")
@require_safe
def edition_item(request, label, code):
    if not rules.is_item_code(code):
        raise Http404(_("事项编码格式不正确"))
    edition = _edition_or_404(label)
    item = sel.permit_item_detail(edition, code, sections=False)
    if item is None:
        raise Http404(_("该版本中没有编码为该值的许可事项"))
    subs = list(item.sub_items.all())
    return render(request, "permits/item.html", {
        "edition": edition, "item": item, "sub_items": subs, "archived": True,
        "handling_count": sum(len(s.handling_items.all()) for s in subs), "sections": [],
        "current_url": _current("permits:item.detail", code),
    })


@public_cache("permits")
@require_safe
def edition_guide(request, label, code):
    if not rules.is_handling_code(code):
        raise Http404(_("业务办理项编码格式不正确"))
    edition = _edition_or_404(label)
    handling = sel.handling_guide(edition, code)
    if handling is None:
        raise Http404(_("该版本中没有该业务办理项的办事指南"))
    return render(request, "permits/guide.html", {
        "edition": edition, "handling": handling, "sub_item": handling.sub_item, "archived": True,
        "item": handling.sub_item.item, "materials": list(handling.materials.all()),
        "current_url": _current("permits:guide", code),
    })
