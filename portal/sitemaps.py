"""sitemap.xml: the fixed pages and every item and guide of the published permit list."""
from django.contrib.sitemaps import Sitemap

from permits.models import HandlingItem, PermitItem
from permits.selectors.catalogue import published_permit_catalogue


class StaticPages(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["/", "/permits/", "/permits/changes/", "/intermediaries/", "/powers/",
                "/one-things/", "/reports/", "/sitemap/"]

    def location(self, path):
        return path


class PermitItems(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 50000

    def items(self):
        edition = published_permit_catalogue()
        if edition is None:
            return PermitItem.objects.none()
        return PermitItem.objects.filter(edition=edition).order_by("seq", "pk").only("code")

    def location(self, item):
        return f"/permits/{item.code}/"


class Guides(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 50000

    def items(self):
        edition = published_permit_catalogue()
        if edition is None:
            return HandlingItem.objects.none()
        return HandlingItem.objects.filter(edition=edition).order_by("pk").only("code")

    def location(self, handling):
        return f"/permits/guide/{handling.code}/"


SITEMAPS = {"pages": StaticPages, "items": PermitItems, "guides": Guides}
