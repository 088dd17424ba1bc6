"""What changed in the permit catalogue, for citizens: /permits/changes/ (HTML, filter by department),
/permits/changes.json and an Atom feed of published editions. The diff is the kernel's edition_diff
(permits.catalogue.selectors.changes), with the fields citizens read, old → new at every level."""
from urllib.parse import quote

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_safe

from permits.catalogue.selectors import catalogue as sel
from permits.catalogue.selectors.changes import (
    diff_departments, permit_catalogue_diff, permit_changes_page, published_history,
)
from permits.kernel.cache import public_cache
from permits.kernel.diff import DIFF_PAGE_SIZE, page_number

MAX_DEPARTMENT = 100


def _editions(request):
    """(edition in force, the one it replaced, the department asked for, the departments to choose from)."""
    edition = sel.published_permit_catalogue()
    previous = sel.previous_permit_catalogue(edition) if edition else None
    department = (request.GET.get("department") or "").strip()[:MAX_DEPARTMENT]
    departments = diff_departments(previous, edition) if previous else []
    return edition, previous, department, departments


@public_cache("permits")
@require_safe
def changes(request):
    edition, previous, department, departments = _editions(request)
    diff, page, pages = None, 1, 1
    if previous is not None:
        diff, page, pages = permit_changes_page(previous, edition, public=True, department=department or None,
                                                number=page_number(request.GET.get("page")), size=DIFF_PAGE_SIZE)
    return render(request, "permits/changes.html", {
        "edition": edition, "previous": previous, "diff": diff, "department": department,
        "page": page, "pages": pages, "page_query": f"department={quote(department)}&" if department else "",
        "departments": departments, "unknown_department": bool(department) and department not in departments,
        "version_links": True, "old_label": previous.edition if previous else "",
    })


def _linked(entry, old_label):
    """A JSON entry with the URLs of the current and the previous version of items and handling items."""
    names = {"item": ("permits:item.detail", "permits:edition.item"),
             "handling": ("permits:guide", "permits:edition.guide")}.get(entry["level"])
    if names and entry["code"]:
        if entry["status"] != "removed":
            entry["url"] = reverse(names[0], args=[entry["code"]])
        if entry["status"] != "added" and old_label:
            entry["previous_url"] = reverse(names[1], args=[old_label, entry["code"]])
    for child in entry["children"]:
        _linked(child, old_label)
    return entry


def _edition_json(edition):
    if edition is None:
        return None
    return {"title": edition.title, "edition": edition.edition,
            "published_on": edition.published_on.isoformat() if edition.published_on else None}


@public_cache("permits")
@require_safe
def changes_json(request):
    edition, previous, department, _departments = _editions(request)
    # An unknown department gives an empty result, never an error.
    diff = permit_catalogue_diff(previous, edition, public=True, department=department or None) if previous else None
    body = {"edition": _edition_json(edition), "previous": _edition_json(previous), "department": department or None,
            "counts": None, "groups": []}
    if diff is not None:
        data = diff.as_json()
        label = previous.edition
        body.update(counts=data["counts"], groups=[
            {"group": g["group"], "changes": [_linked(c, label) for c in g["changes"]]} for g in data["groups"]])
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


class EditionFeed(Feed):
    """Atom feed of the city's published permit catalogue editions, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("行政许可事项清单发布情况")
    subtitle = gettext_lazy("新余市行政许可事项清单每次发布的版本")

    def __call__(self, request, *args, **kwargs):
        return public_cache("permits")(require_safe(super().__call__))(request, *args, **kwargs)

    def link(self):
        return reverse("permits:changes")

    def items(self):
        return published_history()

    def item_title(self, edition):
        return f"{edition.title}（{edition.edition}）"

    def item_description(self, edition):
        state = _("现行") if edition.status == "published" else _("已归档")
        return _("%(state)s版本，发布日期 %(date)s，共 %(items)s 个事项。") % {
            "state": state, "date": edition.published_on or "—", "items": edition.n_items}

    def item_link(self, edition):
        if edition.status == "published":
            return reverse("permits:changes")
        return reverse("permits:changes") + f"#edition-{edition.pk}"

    def item_guid(self, edition):
        return f"permit-catalogue-{edition.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, edition):
        return edition.published_at

    def item_updateddate(self, edition):
        return edition.published_at
