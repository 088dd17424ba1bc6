"""What changed between two permit catalogue editions, at every level: built by permits.kernel.diff.edition_diff
from the levels below (registered with the kernel) for the admin review page and the public changes page."""
import datetime

from django.core.cache import cache
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone

from permits.kernel.diff import DiffLevel, edition_diff, model_fields
from permits.models import EditionStatus, HandlingItem, Material, PermitCatalogue, PermitItem, Region, SubItem

ITEM_FIELDS = ("name", "department__name", "implementing_bodies", "legal_basis", "remarks")
SUB_FIELDS = ("name", "approval_level", "exercise_level", "accepting_level", "first_review")
HANDLING_FIELDS = (
    "name", "situation", "conditions", "procedure", "statutory_days", "promised_days", "fee", "fee_standard",
    "fee_basis", "visits", "online_depth", "place", "hours", "enquiry_phone", "complaint_phone", "online_url",
    "result_document",
)
MATERIAL_FIELDS = ("name", "required", "form", "copies", "source", "notes")
# What citizens read on the public page: time limits, fees, visits, online depth, materials, place, legal basis.
PUBLIC = {
    "item": ("name", "department__name", "legal_basis"),
    "sub": ("name",),
    "handling": ("name", "statutory_days", "promised_days", "fee", "fee_standard", "visits", "online_depth",
                 "place", "online_url"),
    "material": ("name", "required", "form", "copies"),
}


def _items(edition, names):
    return (PermitItem.objects.filter(edition=edition).order_by("seq", "pk")
            .values("pk", "code", "name", "department__name", *names))


def _subs(edition, names):
    return (SubItem.objects.filter(edition=edition).order_by("item_id", "seq", "code")
            .values("pk", "code", "name", *names, parent=F("item_id")))


def _handlings(edition, names):
    return (HandlingItem.objects.filter(edition=edition).order_by("sub_item_id", "seq", "code")
            .values("pk", "code", "name", *names, parent=F("sub_item_id")))


def _materials(edition, names):
    return (Material.objects.filter(handling_item__edition=edition).order_by("handling_item_id", "seq", "pk")
            .values("pk", "name", *names, parent=F("handling_item_id")))


def _level(key, label, model, rows, names, parent=None, **extra):
    labels, display = model_fields(model, names)
    return DiffLevel(key, label, rows, labels, PUBLIC[key], parent=parent, display=display, **extra)


def permit_diff_levels():
    return [
        _level("item", "事项", PermitItem, _items, ITEM_FIELDS, group="department__name"),
        _level("sub", "子项", SubItem, _subs, SUB_FIELDS, parent="item"),
        _level("handling", "业务办理项", HandlingItem, _handlings, HANDLING_FIELDS, parent="sub"),
        _level("material", "申请材料", Material, _materials, MATERIAL_FIELDS, parent="handling"),
    ]


def permit_catalogue_diff(old, new, *, public=False, department=None):
    """edition_diff of two permit catalogue editions (limited to one department's items if given).

    Remembered without a timeout under both editions' stamps (pk and updated_at: every write into a draft
    moves it, published and archived editions never change), so it is computed once per pair."""
    stamp = lambda e: f"{e.pk}.{e.updated_at.timestamp()}" if e is not None else "-"  # noqa: E731
    key = f"permits:diff:{stamp(old)}:{stamp(new)}:{int(public)}"
    found = cache.get(key)
    if found is None:
        found = edition_diff(old, new, permit_diff_levels(), public=public)
        cache.set(key, found, None)
    return found.only(department) if department else found


def permit_changes_page(old, new, *, public=False, department=None, number=1, size=50):
    """(one page of the diff, its number, pages in all), remembered on its own: a page is small, the whole
    diff of two large editions is not (reading it back would cost more than rendering the page)."""
    stamp = lambda e: f"{e.pk}.{e.updated_at.timestamp()}" if e is not None else "-"  # noqa: E731
    key = f"permits:diffpage:{stamp(old)}:{stamp(new)}:{int(public)}:{number}:{size}:{department or ''}"
    found = cache.get(key)
    if found is None:
        found = permit_catalogue_diff(old, new, public=public, department=department).page(number, size)
        cache.set(key, found, None)
    return found


def diff_departments(old, new):
    """The names of the departments with items in either edition, sorted (the public filter's choices)."""
    return sorted(set(PermitItem.objects.filter(edition__in=[e for e in (old, new) if e is not None])
                      .order_by().values_list("department__name", flat=True).distinct()))


def published_history(limit=20):
    """The city's published and archived editions, newest first, with their item counts (one query)."""
    editions = list(
        PermitCatalogue.objects.filter(status__in=(EditionStatus.PUBLISHED, EditionStatus.ARCHIVED),
                                       region_id__in=Region.objects.city().values("pk")[:1])
        .annotate(n_items=Count("items")).order_by(Coalesce("published_on", "created_at__date").desc(), "-pk")[:limit])
    for edition in editions:
        edition.published_at = edition.updated_at if edition.published_on is None else _midday(edition.published_on)
    return editions


def _midday(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
