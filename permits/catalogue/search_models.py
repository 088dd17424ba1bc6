"""The public search's index: one row per item of a published permit list, written at publish."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.catalogue.models import PermitCatalogue, PermitItem


def grams_contain_sql(column, connection):
    """SQL asking that `column` holds every piece of one array parameter, or None where no index
    answers it (SQLite: the substring test decides alone). The expression of migration 0007's index."""
    if connection.vendor != "postgresql":
        return None
    return f"string_to_array({column}, ' ') @> %s::text[]"


class GramsField(models.TextField):
    """Space-separated pieces of text; `grams__has_all=[...]` asks for rows holding every piece."""


@GramsField.register_lookup
class HasAllGrams(models.Lookup):
    lookup_name = "has_all"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = grams_contain_sql(lhs, connection)
        return (sql, [*lhs_params, list(self.rhs)]) if sql else ("1 = 1", [])


class PermitSearchText(models.Model):
    """Folded names, codes and legal basis of an item with its sub-items and handling items.

    Not history-tracked: it is derived from the locked rows of a published edition and rebuilt
    whenever an edition is published (permits.catalogue.services.search.permit_search_index).
    """

    item = models.OneToOneField(
        PermitItem, verbose_name=_("许可事项"), primary_key=True, on_delete=models.CASCADE,
        related_name="search_entry",
    )
    edition = models.ForeignKey(
        PermitCatalogue, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="search_entries",
    )
    text = models.TextField(_("检索文本"))
    # Space-separated two-character pieces of `text`; PostgreSQL indexes them with GIN.
    grams = GramsField(_("检索二元组"))
    # What a result shows of the item as JSON text (permits.catalogue.search_text.search_index_rows): text, not
    # jsonb, since it is only ever read whole, and PostgreSQL need not re-serialise it on every page.
    card = models.TextField(_("结果摘要"), blank=True, default="")

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")

    def __str__(self):
        return str(self.item_id)
