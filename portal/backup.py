"""Everything the portal holds, written to a folder and read back into an empty database.

Two layers in the folder:
- data/<app>.<model>.json — every catalogue, list, report, figure and setting row, keys kept, for an
  exact restore (import_all);
- the spreadsheets people use, each in its import shape: permits/*.csv (permits.catalogue.selectors.export),
  powers/*.csv (permits.powers.selectors), intermediaries/*.csv (intermediaries.selectors),
  and reports/<year>.json (sections and figures).
Accounts, sessions and the audit trail are not part of it: they come back with pg_dump (docs/operations.md).
"""
import json
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

from intermediaries.models import IntermediaryList
from intermediaries.selectors import SERVICE_HEADERS, intermediary_export_rows
from permits.kernel.exporting import write_csv
from permits.kernel.history import rows_history_record
from permits.kernel.lock import edition_lock_lifted
from permits.models import AuditEvent, DelegatedPower, PermitCatalogue, PowerCatalogue
from permits.catalogue.selectors.export import PERMIT_HEADERS, permit_export_rows
from permits.powers.selectors import POWER_HEADERS, power_export_rows
from permits.kernel.access.audit import audit_record

FORMAT = 1
APPS = ("permits", "intermediaries", "reports", "portal")
# Kept by pg_dump, not here: who may sign in, and what they did.
EXCLUDED = {"permits.auditevent", "permits.importlog", "permits.staffprofile"}
# Personal data of 互动交流: written out as erased.
PERSONAL_FIELDS = {"portal.message": {"name": None, "phone": None, "phone_digest": "", "personal_data_erased": True}}


def backup_models():
    """Concrete data models in dependency-safe order (apps bottom floor first)."""
    result = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges) or model._meta.label_lower in EXCLUDED:
                continue
            result.append(model)
    return result


def _user_fields(model):
    return [f.attname for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is apps.get_model(settings.AUTH_USER_MODEL)]


_WHOLE_SECOND = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)$")


def _dump(model):
    queryset = model._base_manager.order_by("pk")
    records = json.loads(serializers.serialize("json", queryset))
    user_fields = {f.removesuffix("_id") for f in _user_fields(model)}
    personal = PERSONAL_FIELDS.get(model._meta.label_lower, {})
    for record in records:
        # Django writes milliseconds only when microseconds are set: "…06.000Z" (under 1 ms) reads back
        # as whole seconds and would export as "…06Z"; one spelling keeps export → import → export identical.
        record["fields"] = {name: _WHOLE_SECOND.sub(r"\1\2", value) if isinstance(value, str) else value
                            for name, value in record["fields"].items()}
        for name in user_fields:
            # Accounts are not in the export: who did it is in the audit trail.
            if name in record["fields"]:
                record["fields"][name] = None
        # Names and phones of citizens never leave the database (they are erased after retention).
        record["fields"].update((name, value) for name, value in personal.items() if name in record["fields"])
    return records


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder) + "\n", encoding="utf-8")


def export_all(directory, *, user=None):
    """Write everything into `directory`; returns the manifest."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "models": {}, "files": []}
    for model in backup_models():
        records = _dump(model)
        name = f"data/{model._meta.label_lower}.json"
        _write_json(root / name, records)
        manifest["models"][model._meta.label_lower] = len(records)
        manifest["files"].append(name)
    manifest["files"] += export_permit_sheets(root)
    manifest["files"] += export_power_sheets(root)
    manifest["files"] += export_intermediary_sheets(root)
    manifest["files"] += export_reports(root)
    _write_json(root / "manifest.json", manifest)
    audit_record(AuditEvent.Action.EXPORT, None, user, {"what": "export_all", "models": manifest["models"]})
    return manifest


def export_permit_sheets(root):
    files = []
    for edition in PermitCatalogue._base_manager.select_related("region").order_by("pk"):
        name = f"permits/{edition.pk:04d}-{edition.region.name}-{edition.edition}-{edition.status}.csv"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(write_csv(PERMIT_HEADERS, permit_export_rows(edition)))
        files.append(name)
    return files


def _sheet(root, name, headers, rows):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(write_csv(headers, rows))
    return name


def export_power_sheets(root):
    files = []
    for catalogue in PowerCatalogue._base_manager.select_related("recipient").order_by("pk"):
        powers = DelegatedPower.objects.filter(edition=catalogue).select_related("department").order_by("seq", "pk")
        name = f"powers/{catalogue.pk:04d}-{catalogue.recipient.name}-{catalogue.edition}-{catalogue.status}.csv"
        files.append(_sheet(root, name, POWER_HEADERS, power_export_rows(powers)))
    return files


def export_intermediary_sheets(root):
    files = []
    for edition in IntermediaryList._base_manager.select_related("region").order_by("pk"):
        name = f"intermediaries/{edition.pk:04d}-{edition.region.name}-{edition.edition}-{edition.status}.csv"
        files.append(_sheet(root, name, SERVICE_HEADERS, intermediary_export_rows(edition)))
    return files


def export_reports(root):
    AnnualReport = apps.get_model("reports", "AnnualReport")
    AnnualFigure = apps.get_model("reports", "AnnualFigure")
    files = []
    years = set(AnnualReport.objects.values_list("year", flat=True)) | set(
        AnnualFigure.objects.values_list("year", flat=True))
    for year in sorted(years):
        report = AnnualReport.objects.filter(year=year).first()
        data = {
            "year": year,
            "report": None if report is None else {
                "title": report.title, "organisation": report.organisation, "intro": report.intro,
                "status": report.status, "published_on": report.published_on,
                "sections": [
                    {"order": s.order, "level": s.level, "heading": s.heading, "body": s.body}
                    for s in report.sections.order_by("order", "pk")
                ],
            },
            "figures": [
                {"key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "display": f.display,
                 "source_note": f.source_note}
                for f in AnnualFigure.objects.filter(year=year).order_by("key")
            ],
        }
        name = f"reports/{year}.json"
        _write_json(root / name, data)
        files.append(name)
    return files


class NotEmpty(Exception):
    pass


def database_is_empty():
    return not any(model._base_manager.exists() for model in backup_models()
                   if model._meta.label_lower != "portal.siteprofile")


@transaction.atomic
def import_all(directory, *, user=None):
    """Restore a folder written by export_all into an empty database (one transaction)."""
    root = Path(directory)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"不支持的备份格式：{manifest.get('format')}")
    if not database_is_empty():
        raise NotEmpty("数据库中已有目录数据，import_all 只能导入到空数据库。")
    apps.get_model("portal", "SiteProfile")._base_manager.all().delete()
    counts = {}
    # A restore puts rows back into published editions: the one writer besides seeding that lifts the lock.
    with edition_lock_lifted():
        for model in backup_models():
            label = model._meta.label_lower
            path = root / f"data/{label}.json"
            if not path.exists():
                continue
            restored = []
            # Raw saves: the rows come back exactly as exported (published editions included).
            for obj in serializers.deserialize("json", path.read_text(encoding="utf-8")):
                obj.object.skip_history_when_saving = True  # its many-to-many links would add a second row
                obj.save()
                del obj.object.skip_history_when_saving
                restored.append(obj.object)
            # Raw saves send no history signal: each restored row gets its "+" history row here.
            rows_history_record(restored, model, user=user)
            counts[label] = len(restored)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), backup_models()):
            cursor.execute(sql)
    audit_record(AuditEvent.Action.IMPORT, None, user, {"what": "import_all", "models": counts})
    return counts
