"""What a reviewer should read before publishing a permit catalogue edition (the publish confirmation page).

`edition_warnings(edition)` returns (level, message, link) triples: level "error" (publishing should stop)
or "warning" (the reviewer may publish over it); link is the admin page where the row is fixed. The
checks are those of permits.catalogue.rules, run over the whole edition in four queries.
"""
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from permits.catalogue import rules
from permits.models import HandlingItem, Material, PermitItem

ERROR = "error"
WARNING = "warning"


def _link(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def edition_warnings(edition):
    """Every problem of `edition` a reviewer should see, errors first, then by code."""
    found = []
    for pk, code, name in PermitItem.objects.filter(edition=edition, legal_basis="").order_by("code").values_list(
            "pk", "code", "name"):
        found.append((WARNING, f"事项“{code} {name}”没有设定和实施依据", _link(PermitItem, pk)))
    handlings = (
        HandlingItem.objects.filter(edition=edition)
        .annotate(n_materials=Count("materials"),
                  n_originals=Count("materials", filter=Q(materials__form=rules.ORIGINAL_ONLY)))
        .order_by("code")
        .values_list("pk", "code", "name", "statutory_days", "promised_days", "place", "online_depth", "visits",
                     "n_materials", "n_originals")
    )
    candidates = {}
    for pk, code, name, statutory, promised, place, depth, visits, n_materials, n_originals in handlings:
        label = f"业务办理项“{code} {name}”"
        link = _link(HandlingItem, pk)
        error = rules.promised_over_statutory(statutory, promised)
        if error:
            found.append((ERROR, f"{label}：{error}", link))
        if not n_materials:
            found.append((WARNING, f"{label}没有申请材料", link))
        if not (place or "").strip():
            found.append((WARNING, f"{label}没有办理地点", link))
        if n_originals and depth == rules.FULL_ONLINE and not visits:
            candidates[pk] = (label, link, depth, visits)
    if candidates:
        forms = {}
        for handling_id, material, form in Material.objects.filter(handling_item_id__in=list(candidates)).order_by(
                "handling_item_id", "seq", "pk").values_list("handling_item_id", "name", "form"):
            forms.setdefault(handling_id, []).append((material, form))
        for pk, (label, link, depth, visits) in candidates.items():
            warning = rules.full_online_asks_originals(depth, visits, forms.get(pk, []))
            if warning:
                found.append((WARNING, f"{label}：{warning}", link))
    return sorted(found, key=lambda entry: entry[0] != ERROR)



# The publish confirmation's summary: one line per kind of problem, with a count and the first codes.
SHOWN = 10  # codes named per warning; the count says how many more


def _codes(queryset):
    return list(queryset.order_by("code").values_list("code", flat=True)[:SHOWN + 1])


def _message(text, queryset):
    count = queryset.count()
    if not count:
        return None
    codes = _codes(queryset)
    listed = "、".join(codes[:SHOWN]) + ("等" if count > SHOWN else "")
    return f"{count} 个{text}：{listed}"


def permit_catalogue_warnings(edition):
    """Chinese warnings for `edition`: items without 设定和实施依据, handling items without materials,
    承诺办结时限 above 法定办结时限, empty 办理地点."""
    items = PermitItem.objects.filter(edition=edition)
    handlings = HandlingItem.objects.filter(edition=edition)
    found = [
        _message("事项没有填写设定和实施依据", items.filter(Q(legal_basis="") | Q(legal_basis__isnull=True))),
        _message("业务办理项没有申请材料", handlings.filter(
            ~Exists(Material.objects.filter(handling_item=OuterRef("pk"))))),
        _message("业务办理项的承诺办结时限超过法定办结时限", handlings.filter(
            promised_days__isnull=False, statutory_days__isnull=False, promised_days__gt=F("statutory_days"))),
        _message("业务办理项没有填写办理地点", handlings.filter(place="")),
    ]
    return [m for m in found if m]
