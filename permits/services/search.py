"""Writes of the public search index (permits.models.PermitSearchText)."""
from django.db import transaction

from permits.models import HandlingItem, PermitItem, PermitSearchText, SubItem
from permits.search_text import search_index_rows


@transaction.atomic
def permit_search_index(edition, *, batch_size=1000):
    """Write the search rows of a permit edition; those of its region's other editions are dropped.

    Three reads and one bulk insert whatever the size: a published edition is locked, so its rows
    never go stale, and only the published edition of a region is ever searched.
    """
    rows = [
        PermitSearchText(item_id=pk, edition_id=edition.pk, text=text, grams=grams, card=card)
        for pk, (text, grams, card) in search_index_rows(
            PermitItem, SubItem, HandlingItem, edition_id=edition.pk).items()
    ]
    PermitSearchText.objects.filter(edition__region_id=edition.region_id).delete()
    PermitSearchText.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
