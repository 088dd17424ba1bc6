"""Public reads of the published permit list: item, guide, changes, counts, JSON.

Every function runs a fixed number of queries whatever the size of the catalogue.
"""
from django.db.models import Prefetch

from permits.models import EditionStatus, HandlingItem, Material, PermitCatalogue, PermitItem, Region, SubItem

from permits.kernel.registry import item_sections
from permits.kernel.selectors import current_published


def published_permit_catalogue():
    return current_published(PermitCatalogue)


def public_permit_catalogue(label):
    """The published or archived city edition labelled `label` (e.g. 2022年版), the latest if several."""
    return (PermitCatalogue.objects.filter(edition=label, status__in=(EditionStatus.PUBLISHED, EditionStatus.ARCHIVED),
                                           region_id__in=Region.objects.city().values("pk")[:1])
            .select_related("region").order_by("-published_on", "-pk").first())


def edition_has_code(edition, code):
    """Whether `edition` holds an item or a handling item with `code`."""
    model = PermitItem if code.endswith("Y") else HandlingItem
    return model.objects.filter(edition=edition, code=code).exists()


def permit_item_detail(edition, code, *, sections=True):
    """An item of `edition` with its sub-items, handling items and (unless `sections` is false) what the
    registered item-page sections list (each section prefetches its own rows)."""
    sections = [s.prefetch() for s in item_sections() if s.prefetch] if sections else []
    return (
        PermitItem.objects.filter(edition=edition, code=code)
        .select_related("department", "edition__region")
        .prefetch_related(
            Prefetch("sub_items", queryset=SubItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items", queryset=HandlingItem.objects.order_by("seq", "code")),
            *sections,
        )
        .first()
    )


def handling_guide(edition, code):
    return (
        HandlingItem.objects.filter(edition=edition, code=code)
        .select_related("sub_item__item__department", "edition__region")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("seq", "pk")))
        .first()
    )


def previous_permit_catalogue(edition):
    """The edition the published one replaced: the one it was copied from, else the latest archived."""
    if edition.copied_from_id:
        previous = PermitCatalogue.objects.filter(pk=edition.copied_from_id).first()
        if previous is not None:
            return previous
    return (
        PermitCatalogue.objects.filter(region_id=edition.region_id, status=EditionStatus.ARCHIVED)
        .exclude(pk=edition.pk).order_by("-published_on", "-pk").first()
    )


def permit_catalogue_counts(edition):
    """Numbers of items, sub-items and handling items of an edition."""
    if edition is None:
        return {"items": 0, "sub_items": 0, "handling_items": 0}
    # Three small counts: one aggregate over joins would multiply rows.
    return {
        "items": PermitItem.objects.filter(edition=edition).count(),
        "sub_items": SubItem.objects.filter(edition=edition).count(),
        "handling_items": HandlingItem.objects.filter(edition=edition).count(),
    }


def _catalogue_json_head(edition):
    return {
        "title": edition.title,
        "edition": edition.edition,
        "region": edition.region.name,
        "published_on": edition.published_on.isoformat() if edition.published_on else None,
    }


def _items_for_json(edition):
    return (
        PermitItem.objects.filter(edition=edition).select_related("department").order_by("seq", "pk")
        .prefetch_related(
            Prefetch("sub_items", queryset=SubItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items", queryset=HandlingItem.objects.order_by("seq", "code")),
            Prefetch("sub_items__handling_items__materials", queryset=Material.objects.order_by("seq", "pk")),
        )
    )


def _item_json(item):
    return {
        "seq": item.seq, "code": item.code, "name": item.name, "department": item.department.name,
        "implementing_bodies": item.implementing_bodies, "legal_basis": item.legal_basis,
        "remarks": item.remarks,
        "sub_items": [
            {
                "code": sub.code, "name": sub.name, "approval_level": sub.approval_level,
                "exercise_level": sub.exercise_level, "accepting_level": sub.accepting_level,
                "first_review": sub.first_review,
                "handling_items": [_handling_json(h) for h in sub.handling_items.all()],
            }
            for sub in item.sub_items.all()
        ],
    }


def permit_catalogue_json(edition):
    """The whole edition as nested dicts (items → sub_items → handling_items → materials); 5 queries."""
    return {"catalogue": _catalogue_json_head(edition), "items": [_item_json(i) for i in _items_for_json(edition)]}


def permit_catalogue_json_chunks(edition, *, batch=500):
    """The same document as JSON text in pieces, a batch of items at a time (memory stays flat)."""
    import json

    yield '{"catalogue": %s, "items": [' % json.dumps(_catalogue_json_head(edition), ensure_ascii=False)
    first = True
    for chunk in _items_for_json(edition).iterator(chunk_size=batch):
        yield ("" if first else ", ") + json.dumps(_item_json(chunk), ensure_ascii=False)
        first = False
    yield "]}"


def _handling_json(h):
    return {
        "code": h.code, "name": h.name, "situation": h.situation, "conditions": h.conditions,
        "procedure": h.procedure, "statutory_days": h.statutory_days, "promised_days": h.promised_days,
        "fee": h.fee, "fee_standard": h.fee_standard, "fee_basis": h.fee_basis, "visits": h.visits,
        "online_depth": h.get_online_depth_display(), "place": h.place, "hours": h.hours,
        "enquiry_phone": h.enquiry_phone, "complaint_phone": h.complaint_phone, "online_url": h.online_url,
        "result_document": h.result_document,
        "materials": [
            {"name": m.name, "required": m.required, "form": m.form, "copies": m.copies,
             "source": m.source, "notes": m.notes}
            for m in h.materials.all()
        ],
    }
