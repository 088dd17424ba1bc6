"""The public search index: a row per published item, two-character pieces GIN-indexed on PostgreSQL."""
import django.db.models.deletion
import permits.catalogue.search_models
from django.db import migrations, models

from permits.catalogue.search_text import search_index_rows

GIN_INDEX = "permits_permitsearchtext_grams_gin"


def gin_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{GIN_INDEX}" ON "permits_permitsearchtext" '
            "USING gin ((string_to_array(\"grams\", ' ')))"
        )


def gin_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{GIN_INDEX}"')


def index_published(apps, schema_editor):
    """Editions published before this migration get their rows as publish would write them."""
    catalogue = apps.get_model("permits", "PermitCatalogue")
    item, sub, handling, text_model = (apps.get_model("permits", name)
                                       for name in ("PermitItem", "SubItem", "HandlingItem", "PermitSearchText"))
    for edition_id in catalogue.objects.filter(status="published").values_list("pk", flat=True):
        rows = search_index_rows(item, sub, handling, edition_id=edition_id)
        text_model.objects.bulk_create(
            [text_model(item_id=pk, edition_id=edition_id, text=text, grams=grams)
             for pk, (text, grams, _card) in rows.items()],  # the card column comes with 0008
            batch_size=1000,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('permits', '0006_ordering_without_joins'),
    ]

    operations = [
        migrations.CreateModel(
            name='PermitSearchText',
            fields=[
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='permits.permititem', verbose_name='许可事项')),
                ('text', models.TextField(verbose_name='检索文本')),
                ('grams', permits.catalogue.search_models.GramsField(verbose_name='检索二元组')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='search_entries', to='permits.permitcatalogue', verbose_name='清单')),
            ],
            options={
                'verbose_name': '检索索引',
                'verbose_name_plural': '检索索引',
                'indexes': [models.Index(fields=['edition'], name='permits_per_edition_0ed9c3_idx')],
            },
        ),
        migrations.RunPython(gin_forwards, gin_backwards),
        migrations.RunPython(index_published, migrations.RunPython.noop),
    ]
