"""Search rows carry each item's result card, so a page of results reads one row per result."""
from django.db import migrations, models

from permits.catalogue.search_text import search_index_rows


def card_published(apps, schema_editor):
    """Rows written before this migration get the card publish would write."""
    text_model = apps.get_model("permits", "PermitSearchText")
    item, sub, handling = (apps.get_model("permits", name) for name in ("PermitItem", "SubItem", "HandlingItem"))
    for edition_id in text_model.objects.order_by().values_list("edition_id", flat=True).distinct():
        rows = search_index_rows(item, sub, handling, edition_id=edition_id)
        entries = list(text_model.objects.filter(edition_id=edition_id))
        for entry in entries:
            entry.card = rows[entry.item_id][2] if entry.item_id in rows else ""
        text_model.objects.bulk_update(entries, ["card"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("permits", "0007_search_index"),
    ]

    operations = [
        # The foreign key's own index already serves `edition_id`; the second one only cost writes.
        migrations.RemoveIndex(
            model_name="permitsearchtext",
            name="permits_per_edition_0ed9c3_idx",
        ),
        migrations.AddField(
            model_name="permitsearchtext",
            name="card",
            field=models.TextField(blank=True, default="", verbose_name="结果摘要"),
        ),
        migrations.RunPython(card_published, migrations.RunPython.noop),
    ]
