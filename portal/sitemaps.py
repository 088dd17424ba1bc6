"""sitemap.xml: the fixed pages and every item and guide of the published permit list."""
from django.contrib.sitemaps import Sitemap

from permits.models import HandlingItem, PermitItem
from permits.catalogue.selectors.catalogue import published_permit_catalogue


class StaticPages(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["/", "/permits/", "/permits/changes/", "/intermediaries/", "/powers/",
                "/one-things/", "/reports/", "/sitemap/"]

    def location(self, path):
        return path


class PublishedRows(Sitemap):
    """Rows of the published permit list, addressed by their code."""
    changefreq = "monthly"
    limit = 50000
    model = None
    ordering = ("pk",)
    path = ""

    def items(self):
        edition = published_permit_catalogue()
        if edition is None:
            return self.model.objects.none()
        return self.model.objects.filter(edition=edition).order_by(*self.ordering).only("code")

    def location(self, row):
        return self.path.format(code=row.code)


class PermitItems(PublishedRows):
    priority = 0.6
    model = PermitItem
    ordering = ("seq", "pk")
    path = "/permits/{code}/"


class Guides(PublishedRows):
    priority = 0.5
    model = HandlingItem
    path = "/permits/guide/{code}/"


SITEMAPS = {"pages": StaticPages, "items": PermitItems, "guides": Guides}
