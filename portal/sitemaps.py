"""sitemap.xml: the fixed pages and every public detail page, each with the date its data was published.

Past SITEMAP_INDEX_AFTER URLs (5,000) /sitemap.xml becomes a sitemap index pointing at one file per
section and page (/sitemap-<section>.xml?p=N), each at most that many URLs.
"""
import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.views.decorators.http import require_safe

from intermediaries.models import IntermediaryService
from permits.models import EditionStatus, HandlingItem, OneThing, PermitItem, PowerCatalogue
from permits.catalogue.selectors.catalogue import published_permit_catalogue
from reports.models import AnnualReport

INDEX_AFTER = 5000


def index_after():
    return getattr(settings, "SITEMAP_INDEX_AFTER", INDEX_AFTER)


def _day(value):
    """A date or datetime as the date a sitemap reader expects."""
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


class Section(Sitemap):
    @property
    def limit(self):
        return index_after()


class StaticPages(Section):
    changefreq = "weekly"
    priority = 0.8
    PAGES = ["/", "/permits/", "/permits/changes/", "/intermediaries/", "/powers/", "/one-things/", "/reports/",
             "/sitemap/"]

    def items(self):
        return self.PAGES

    def location(self, path):
        return path

    def lastmod(self, path):
        # Every fixed page lists the permit catalogue or its neighbours: the latest publication date.
        if not hasattr(self, "_latest"):
            edition = published_permit_catalogue()
            self._latest = edition.published_on if edition else None
        return self._latest


class PublishedRows(Section):
    """Rows of the published permit list, addressed by their code, dated by the list's publication."""
    changefreq = "monthly"
    model = None
    ordering = ("pk",)
    path = ""

    def items(self):
        edition = published_permit_catalogue()
        if edition is None:
            return self.model.objects.none()
        self._published_on = edition.published_on
        return self.model.objects.filter(edition=edition).order_by(*self.ordering).only("code")

    def location(self, row):
        return self.path.format(code=row.code)

    def lastmod(self, row):
        return getattr(self, "_published_on", None)


class PermitItems(PublishedRows):
    priority = 0.6
    model = PermitItem
    ordering = ("seq", "pk")
    path = "/permits/{code}/"


class Guides(PublishedRows):
    priority = 0.5
    model = HandlingItem
    path = "/permits/guide/{code}/"


class IntermediaryServices(Section):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (IntermediaryService.objects.filter(edition__status=EditionStatus.PUBLISHED)
                .order_by("edition_id", "seq", "pk").only("pk", "edition__published_on", "edition__updated_at")
                .select_related("edition"))

    def location(self, service):
        return f"/intermediaries/{service.pk}/"

    def lastmod(self, service):
        return service.edition.published_on or _day(service.edition.updated_at)


class PowerCatalogues(Section):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (PowerCatalogue._base_manager.filter(status__in=(EditionStatus.PUBLISHED, EditionStatus.ARCHIVED))
                .order_by("pk").only("pk", "published_on", "effective_on", "updated_at"))

    def location(self, catalogue):
        return f"/powers/{catalogue.pk}/"

    def lastmod(self, catalogue):
        return catalogue.published_on or catalogue.effective_on or _day(catalogue.updated_at)


class Reports(Section):
    changefreq = "yearly"
    priority = 0.6

    def items(self):
        return AnnualReport.objects.published().order_by("-year").only("year", "published_on", "updated_at")

    def location(self, report):
        return f"/reports/{report.year}/"

    def lastmod(self, report):
        return report.published_on or _day(report.updated_at)


class OneThings(Section):
    """Each bundle's own page, dated by its launch."""
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return OneThing.objects.order_by("pk").only("pk", "launched_on")

    def location(self, bundle):
        return f"/one-things/{bundle.pk}/"

    def lastmod(self, bundle):
        return bundle.launched_on


SITEMAPS = {"pages": StaticPages, "items": PermitItems, "guides": Guides, "intermediaries": IntermediaryServices,
            "powers": PowerCatalogues, "reports": Reports, "one-things": OneThings}


@require_safe
def sitemap_xml(request):
    """One urlset while it is small, else an index of per-section files."""
    total = sum(section().paginator.count for section in SITEMAPS.values())
    if total > index_after():
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="portal:sitemap.section")
    return sitemap_views.sitemap(request, SITEMAPS)


@require_safe
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)

