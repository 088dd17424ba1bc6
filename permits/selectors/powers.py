"""Reads for delegated powers, including the figures the annual report needs."""
import datetime

from django.db.models import Q

from permits.models import (
    DelegatedPower, DemonstrationSite, EditionStatus, ObservationPoint, PowerCatalogue, Region,
)

from .diff import catalogue_diff


def power_catalogue_diff(catalogue):
    """Added, removed and kept powers against the catalogue this one replaces (None if none)."""
    if catalogue.replaces_id is None:
        return None
    old = DelegatedPower.objects.filter(edition_id=catalogue.replaces_id).select_related("department")
    new = DelegatedPower.objects.filter(edition=catalogue).select_related("department")
    return catalogue_diff(old, new, compare=("mode", "power_type"))


def power_catalogue_in_force(year, *, recipient=None):
    """The zone catalogue in force at the end of `year`: effective on or before 31 December,
    published (or since archived); by default the first functional zone that has one."""
    end = datetime.date(year, 12, 31)
    qs = PowerCatalogue._base_manager.filter(
        Q(status=EditionStatus.PUBLISHED) | Q(status=EditionStatus.ARCHIVED),
        effective_on__lte=end, effective_on__year=year,
    )
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    else:
        qs = qs.filter(recipient__kind=Region.Kind.ZONE)
    return qs.order_by("-effective_on", "-pk").first()


def power_figures_for_year(year):
    """Figures of the annual report on delegated powers; a value is None where data is missing."""
    figures = {
        "zone_catalogue": None, "zone_powers": None, "zone_power_departments": None,
        "zone_powers_added": None, "zone_powers_removed": None,
        "observation_points": None, "observation_counties": None, "observation_zones": None,
        "demonstration_sites": None,
    }
    catalogue = power_catalogue_in_force(year)
    if catalogue is not None:
        powers = DelegatedPower.objects.filter(edition=catalogue)
        figures["zone_catalogue"] = catalogue
        figures["zone_powers"] = powers.count()
        figures["zone_power_departments"] = powers.values("department").distinct().count()
        diff = power_catalogue_diff(catalogue)
        if diff is not None:
            figures["zone_powers_added"] = len(diff.added)
            figures["zone_powers_removed"] = len(diff.removed)
    points = ObservationPoint.objects.filter(year=year).select_related("township__parent")
    if points.exists():
        parents = {p.township.parent for p in points if p.township.parent_id}
        figures["observation_points"] = points.count()
        figures["observation_counties"] = sum(1 for r in parents if r.kind == Region.Kind.COUNTY)
        figures["observation_zones"] = sum(1 for r in parents if r.kind == Region.Kind.ZONE)
    sites = list(DemonstrationSite.objects.filter(year=year).select_related("township__parent"))
    if sites:
        figures["demonstration_sites"] = sites
    return figures
