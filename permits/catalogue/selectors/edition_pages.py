"""An edition of the permit catalogue as it was published: what a yearly figure counted."""
from permits.models import EditionStatus, HandlingItem, PermitCatalogue, PermitItem, SubItem
from permits.kernel.selectors import city_region

SHOWN_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)


def permit_edition_by_label(label, *, scope=None):
    """The city's published or archived edition labelled `label` (e.g. 2023年版), or None."""
    scope = scope if scope is not None else city_region()
    if scope is None:
        return None
    return (PermitCatalogue._base_manager.filter(edition=label, region=scope, status__in=SHOWN_STATUSES)
            .order_by("-published_on", "-pk").first())


def permit_edition_rows(edition):
    """(items, sub-items, handling items) of the edition: the rows the report's counts are made of."""
    items = list(PermitItem.objects.filter(edition=edition).select_related("department").order_by("seq", "pk"))
    subs = list(SubItem.objects.filter(edition=edition).select_related("item").order_by("item__seq", "seq", "code"))
    handlings = list(HandlingItem.objects.filter(edition=edition).select_related("sub_item")
                     .order_by("sub_item__item__seq", "sub_item__seq", "seq", "code"))
    return items, subs, handlings
