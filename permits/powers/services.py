"""Writes for delegated powers: import into a draft catalogue, copy a catalogue as its successor."""
from permits.kernel.lifecycle import edition_copy, rows_copy
from permits.models import DelegatedPower
from permits.powers.importing import PowerImporter


def power_catalogue_copy_children(source, target):
    """Copy the powers of `source` into `target`, which replaces it once published (the copy hook)."""
    target.replaces = source
    target.effective_on = None
    target.basis_number = ""
    target.save(update_fields=["replaces", "effective_on", "basis_number", "updated_at"])
    rows_copy(list(DelegatedPower.objects.filter(edition=source).order_by("pk")), edition=target)


def power_catalogue_import(data, filename, *, catalogue, dry_run=False, user=None):
    """Import a spreadsheet into a draft catalogue (atomic); raises ImportFailed with every problem.
    The summary also lists the powers the file no longer holds (`removed`, `deleted`)."""
    return PowerImporter().run(data, filename, catalogue, dry_run=dry_run, user=user)


def power_import_description(summary):
    text = summary.describe()
    deleted = getattr(summary, "deleted", 0)
    return f"{text}，删除赋权事项 {deleted} 个" if deleted else text


def power_catalogue_copy(catalogue, *, user=None, title=None, edition_label=None):
    """A new draft with the same powers that replaces `catalogue` once published (the copy hook sets it)."""
    return edition_copy(catalogue, title=title, edition_label=edition_label, user=user)
