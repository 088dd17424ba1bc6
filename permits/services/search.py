"""Writes of the public search index (permits.models.PermitSearchText)."""
from collections import defaultdict

from django.db import transaction

from permits.models import HandlingItem, PermitItem, PermitSearchText, SubItem
from permits.search_text import search_entry


@transaction.atomic
def permit_search_index(edition, *, batch_size=1000):
    """Write the search rows of a permit edition; those of its region's other editions are dropped.

    Three reads and one bulk insert whatever the size: a published edition is locked, so its rows
    never go stale, and only the published edition of a region is ever searched.
    """
    parts = defaultdict(list)
    for pk, code, name, basis in PermitItem.objects.filter(edition=edition).order_by().values_list(
            "pk", "code", "name", "legal_basis"):
        parts[pk] += (code, name, basis)
    for item_id, code, name in SubItem.objects.filter(edition=edition).order_by().values_list(
            "item_id", "code", "name"):
        parts[item_id] += (code, name)
    for item_id, code, name in HandlingItem.objects.filter(edition=edition).order_by().values_list(
            "sub_item__item_id", "code", "name"):
        parts[item_id] += (code, name)
    rows = []
    for pk, texts in parts.items():
        text, grams = search_entry(texts)
        rows.append(PermitSearchText(item_id=pk, edition_id=edition.pk, text=text, grams=grams))
    PermitSearchText.objects.filter(edition__region_id=edition.region_id).delete()
    PermitSearchText.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
