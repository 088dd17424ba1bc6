"""Writes for the intermediary service lists (the lifecycle itself is permits.kernel.lifecycle)."""
from permits.kernel.lifecycle import rows_copy

from .importing import IntermediaryImporter
from .models import IntermediaryService


def intermediary_list_copy_children(source, target):
    """Copy the services of `source` into `target` with their links to permit items (a few queries)."""
    new_pk = {old: service.pk for old, service in rows_copy(
        list(IntermediaryService.objects.filter(edition=source).order_by("pk")), edition=target).items()}
    through = IntermediaryService.permit_items.through
    links = through.objects.filter(intermediaryservice__edition=source).values_list(
        "intermediaryservice_id", "permititem_id"
    )
    through.objects.bulk_create(
        [through(intermediaryservice_id=new_pk[service_id], permititem_id=item_id) for service_id, item_id in links],
        batch_size=1000,
    )


def intermediary_import(data, filename, *, edition, dry_run=False, user=None):
    """Import a spreadsheet into the draft list `edition` (all or nothing). Raises ImportFailed.

    Returns the ImportSummary; `summary.removed` counts services the file no longer lists."""
    return IntermediaryImporter().run(data, filename, edition, dry_run=dry_run, user=user)


def intermediary_import_message(summary):
    """One Chinese sentence describing what an import did or would do."""
    text = summary.describe()
    removed = getattr(summary, "removed", 0)
    if removed:
        text += f"，删除中介服务事项 {removed} 个"
    unchanged = sum(1 for entry in summary.preview if entry["action"] == "不变")
    if unchanged:
        text += f"，{unchanged} 个无变化"
    return text
