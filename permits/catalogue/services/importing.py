"""The one write entry point for permit catalogue imports: admin and command both call it."""
import re

from django.utils import timezone

from permits.kernel.importing.errors import ImportFailed, ImportProblem
from permits.catalogue.importing import PermitImporter
from permits.models import PermitCatalogue
from permits.kernel.selectors import city_region


def _edition_label(title):
    found = re.search(r"(\d{4})\s*年\s*版", title)
    return f"{found.group(1)}年版" if found else f"{timezone.localdate().year}年版"


def catalogue_import(data, filename, *, edition=None, new_edition_title=None, dry_run=False, user=None):
    """Import a permit spreadsheet into a draft `edition`, or into a new draft for the city.

    One transaction: any problem raises ImportFailed (Chinese messages naming row and column)
    and nothing is written, not even the new edition. Returns the ImportSummary."""
    if (edition is None) == (not new_edition_title):
        raise ImportFailed([ImportProblem(None, None, "请选择要导入的草稿清单，或填写新清单的标题（二者选一）。")])
    create_target = None
    if new_edition_title:
        title = new_edition_title.strip()

        def create_target():
            region = city_region()
            if region is None:
                raise ImportFailed([ImportProblem(None, None, "系统中还没有“市本级”区划，无法新建清单。")])
            return PermitCatalogue.objects.create(title=title, edition=_edition_label(title), region=region)

    importer = PermitImporter(user=user)
    return importer.run(data, filename, edition, dry_run=dry_run, user=user, create_target=create_target)
