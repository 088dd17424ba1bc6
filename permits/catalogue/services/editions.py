"""What the permit catalogue adds to the shared lifecycle (registered in permits.catalogue.register)."""
from permits.kernel.lifecycle import rows_copy
from permits.models import HandlingItem, Material, PermitItem, SubItem


def permit_catalogue_copy_children(source, target):
    """Copy items, sub-items, handling items and materials of `source` into `target`, in bulk."""
    items = rows_copy(list(PermitItem.objects.filter(edition=source).order_by("pk")), edition=target)
    subs = rows_copy(list(SubItem.objects.filter(edition=source).order_by("pk")), edition=target, item=items)
    handlings = rows_copy(list(HandlingItem.objects.filter(edition=source).order_by("pk")), edition=target,
                          sub_item=subs)
    rows_copy(list(Material.objects.filter(handling_item__edition=source).order_by("pk")), batch_size=1000,
              handling_item=handlings)
