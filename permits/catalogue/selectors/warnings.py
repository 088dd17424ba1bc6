"""What a reviewer is warned about before publishing a permit catalogue edition (publishing over them is allowed)."""
from django.db.models import Exists, F, OuterRef, Q

from permits.models import HandlingItem, Material, PermitItem

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
