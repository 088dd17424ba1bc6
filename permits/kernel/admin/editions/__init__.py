"""What every edition admin shares.

`EditionAdminMixin`: the lifecycle actions (提交审核 / 退回修改 / 发布 / 复制为新草稿) through
permits.kernel.lifecycle, limited by role (ScopedAdmin.has_<name>_permission), and row counts per edition.
`EditionImportMixin`: upload → dry-run preview → confirm, export and import template, driven by hooks
(`import_run`, `preview_headers`/`preview_row`, `export_headers`/`export_rows`). Between preview and
confirm the upload waits in a private file under MEDIA_ROOT/private/imports, named by a random token the
session keeps with the user and target edition; it is deleted after confirm and never served back.
Non-draft editions are read-only through ScopedAdmin.
"""
from permits.kernel.admin.base import ScopedAdmin

from permits.kernel.admin.editions.importing import EditionImportMixin, ImportForm
from permits.kernel.admin.editions.lifecycle import EditionAdminMixin, count_column, rows_count
from permits.kernel.admin.editions.uploads import import_dir, import_session_key, stashed_path

__all__ = ["EditionAdmin", "EditionAdminMixin", "EditionImportMixin", "ImportForm", "count_column", "import_dir",
           "import_session_key", "rows_count", "stashed_path"]


class EditionAdmin(EditionImportMixin, EditionAdminMixin, ScopedAdmin):
    """An edition admin with everything: lifecycle, counts, import with preview, export, template."""

    actions = ["action_submit", "action_send_back", "action_publish", "action_copy",
               "action_export_xlsx", "action_export_csv"]
