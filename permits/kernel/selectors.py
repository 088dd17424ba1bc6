"""Which edition is in force: for the public pages, and for a year (what a yearly figure counts)."""
import datetime

from django.db.models import Q

from permits.kernel.cache import versioned_read
from permits.models import EditionStatus, Region


def city_region():
    return Region.objects.city().first()


def edition_in_force(model, year, *, scope=None, date_field="published_on"):
    """The edition of `model` that was in force at the end of `year`: the latest one published
    (now published or since archived) on or before 31 December of that year."""
    scope = scope if scope is not None else city_region()
    if scope is None:
        return None
    end = datetime.date(year, 12, 31)
    return (
        model._base_manager.filter(
            Q(status=EditionStatus.PUBLISHED) | Q(status=EditionStatus.ARCHIVED),
            **{model.scope_field: scope, f"{date_field}__lte": end},
        )
        .exclude(**{f"{date_field}": None})
        .order_by(f"-{date_field}", "-pk")
        .first()
    )


def edition_published_in_year(model, year, *, scope=None):
    """The edition of `model` first published during `year` (the latest, if several)."""
    scope = scope if scope is not None else city_region()
    if scope is None:
        return None
    return (
        model._base_manager.filter(
            Q(status=EditionStatus.PUBLISHED) | Q(status=EditionStatus.ARCHIVED),
            **{model.scope_field: scope, "published_on__year": year},
        )
        .order_by("-published_on", "-pk")
        .first()
    )


def current_published(model, *, scope=None):
    """The published edition of `scope`, by default of the city (remembered while no edition is
    published and no region changes)."""
    if scope is not None:
        return model.objects.published().filter(**{model.scope_field: scope}).first()
    return _city_published(model)


# Every publish bumps its catalogue's namespace, a region save bumps "site".
@versioned_read()
def _city_published(model):
    field = model.scope_field
    return model.objects.published().filter(**{f"{field}_id": Region.objects.city().values("pk")[:1]}).first()
