"""Writes of the public search index (permits.models.PermitSearchText)."""
from django.db import connections, router, transaction

from permits.models import HandlingItem, PermitItem, PermitSearchText, SubItem
from permits.catalogue.search_text import search_index_rows


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
    connection = connections[router.db_for_write(PermitSearchText)]
    if connection.vendor == "postgresql":
        # Statistics for the new edition now, not at autovacuum's next visit: until then the planner
        # filtered every row of the edition instead of asking the GIN index (10 ms, not 0.3 ms).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(PermitSearchText._meta.db_table)}")
    return len(rows)
