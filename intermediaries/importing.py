"""Import of 中介服务事项清单 spreadsheets into a draft list, on the shared import machinery.

The spreadsheet is the whole list: rows are matched to existing services by 序号 (updated),
new 序号 are added, and services whose 序号 is not in the file are removed. A blank cell of a matched
row keeps the stored value (a blank 涉及的审批事项 keeps the links), （清空） clears it.
"""
import re
from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from permits.kernel.history import rows_create, rows_update
from permits.kernel.importing.base import Column, SpreadsheetImporter, clean_text, to_halfwidth
from permits.kernel.exporting import unescape_formula
from permits.kernel.importing.cells import CLEAR, FieldChange, cells_merge, is_blank, values_apply
from permits.models import PermitCatalogue, PermitItem
from permits.catalogue.rules import is_item_code
from permits.kernel.diff import normalise_name
from permits.kernel.selectors import city_region, current_published

from .models import IntermediaryService
from .selectors import SERVICE_COLUMNS

_REF_SPLIT = re.compile(r"[；;\n\r]+")
# "名称（00016421300Y）": the form the export writes; the code decides.
_NAME_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<code>[0-9]{11}[Yy])\s*[)）]$")

REQUIRED = {"seq", "name", "permit_items", "department", "commissioner", "fee_nature", "level"}
ALIASES = {
    "seq": ("编号",),
    "name": ("中介服务事项", "中介服务名称"),
    "permit_items": ("涉及审批事项", "对应的审批事项", "涉及的行政审批事项"),
    "department": ("审批部门（单位）", "审批单位"),
    "providers": ("实施机构",),
    "provider_nature": ("实施机构性质",),
}
TEXT_FIELDS = ("name", "legal_basis", "providers", "provider_nature", "fee_basis", "time_limit", "remarks")
CHOICE_FIELDS = ("commissioner", "fee_nature", "level")
CHOICE_ALIASES = {
    "commissioner": {"申请人": "申请人委托", "审批部门": "审批部门委托", "审批机关委托": "审批部门委托"},
    "level": {"市级,县级": "市级、县级", "市级/县级": "市级、县级", "市、县级": "市级、县级", "市县级": "市级、县级",
              "市县两级": "市级、县级", "市级县级": "市级、县级"},
}
# Long texts keep their line breaks (one law per line is common in 设定依据).
MULTILINE_FIELDS = ("legal_basis", "remarks")
UPDATE_FIELDS = ("name", "department", *TEXT_FIELDS[1:], *CHOICE_FIELDS)


def allowed_text(values):
    # Quoted, because a value such as “市级、县级” contains the list separator itself.
    return "".join(f"“{value}”" for value in values)


def _allowed(key):
    return [value for value, _label in IntermediaryService._meta.get_field(key).choices]


def _fold(text):
    return to_halfwidth(text).replace(" ", "")


class IntermediaryImporter(SpreadsheetImporter):
    catalogue = _("中介服务事项清单")
    columns = [
        Column(header, key, required=key in REQUIRED, aliases=ALIASES.get(key, ()),
               kind="int" if key == "seq" else "text")
        for header, key in SERVICE_COLUMNS
    ]

    def __init__(self):
        super().__init__()
        self.headers = {c.key: c.header for c in self.columns}
        self._permit_index = None

    def convert(self, row, column, cell):
        if column.key in MULTILINE_FIELDS and cell is not None:
            lines = (clean_text(line) for line in str(unescape_formula(cell)).splitlines())
            return "\n".join(line for line in lines if line)
        return super().convert(row, column, cell)

    # ---- permit references ----
    def permit_catalogue(self, target):
        """References resolve against the published permit list of the list's region (else the city's)."""
        catalogue = current_published(PermitCatalogue, scope=target.region)
        if catalogue is None:
            region = city_region()
            if region is not None and region != target.region:
                catalogue = current_published(PermitCatalogue, scope=region)
        return catalogue

    def permit_index(self, target):
        if self._permit_index is None:
            catalogue = self.permit_catalogue(target)
            by_code, by_name, by_norm = {}, defaultdict(list), defaultdict(list)
            if catalogue is not None:
                for item in PermitItem.objects.filter(edition=catalogue).only("pk", "code", "name"):
                    by_code[item.code] = item
                    by_name[clean_text(item.name)].append(item)
                    by_norm[normalise_name(item.name)].append(item)
            self._permit_index = (catalogue, by_code, by_name, by_norm)
        return self._permit_index

    @staticmethod
    def _by_name(name, by_name, by_norm):
        return by_name.get(name) or by_norm.get(normalise_name(name)) or []

    def permit_items(self, row, cell, target):
        cell = "" if cell is None else str(cell)
        parts = [clean_text(part) for part in _REF_SPLIT.split(cell)]
        parts = [part for part in parts if part]
        if not parts:
            return []
        catalogue, by_code, by_name, by_norm = self.permit_index(target)
        column = self.headers["permit_items"]
        if catalogue is None:
            self.problem(row, column, f"没有已发布的行政许可事项清单，无法匹配“{'；'.join(parts)}”；请先发布许可事项清单")
            return []
        items = []
        for text in parts:
            folded = _fold(text).upper()
            matched = _NAME_WITH_CODE.match(to_halfwidth(text))
            if is_item_code(folded):
                found = [by_code[folded]] if folded in by_code else []
            elif matched and matched["code"].upper() in by_code:
                found = [by_code[matched["code"].upper()]]
            else:
                found = self._by_name(clean_text(matched["name"]) if matched else text, by_name, by_norm)
            if len(found) > 1:
                codes = "、".join(item.code for item in found)
                self.problem(row, column, f"“{text}”对应多个审批事项（编码 {codes}），请改填事项编码")
            elif not found:
                self.problem(row, column, f"“{text}”在已发布的《{catalogue}》中找不到对应事项（请填写事项编码或完整的事项名称）")
            elif found[0] not in items:
                items.append(found[0])
        return items

    # ---- checks ----
    def choice(self, record, key):
        field = IntermediaryService._meta.get_field(key)
        text = record[key]
        if is_blank(text) or text is CLEAR:
            return text  # kept, or refused by required_missing / cleared_required
        folded = _fold(text)
        for value, _label in field.choices:
            if folded == _fold(value):
                return value
        alias = CHOICE_ALIASES.get(key, {}).get(folded)
        if alias:
            return alias
        self.problem(record.row, self.headers[key], f"“{text}”不是可选值；可选值：{allowed_text(_allowed(key))}")
        return None

    def text(self, record, key):
        value = record[key]
        limit = IntermediaryService._meta.get_field(key).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            self.problem(record.row, self.headers[key], f"内容过长：{len(value)} 个字，最多 {limit} 个字")
        return value

    def check_duplicates(self, records):
        rows_by_seq = defaultdict(list)
        for record in records:
            if record["seq"] is not None:
                rows_by_seq[record["seq"]].append(record.row)
        for seq, rows in rows_by_seq.items():
            if len(rows) > 1:
                for row in rows:
                    others = "、".join(f"第{r}行" for r in rows if r != row)
                    self.problem(row, self.headers["seq"], f"序号“{seq}”重复（与{others}相同）")

    def required_missing(self, row, values):
        """A new service (its 序号 is not in the list yet) needs every required cell."""
        if not values.get("name"):
            self.problem(row, self.headers["name"], "不能为空")
        if values.get("department") is None and not values.get("department_cell"):
            self.problem(row, self.headers["department"], "不能为空")
        for key in CHOICE_FIELDS:
            if is_blank(values.get(key)):
                self.problem(row, self.headers[key], f"不能为空；可选值：{allowed_text(_allowed(key))}")

    # ---- the build ----
    def parse(self, record, target):
        values = {"seq": record["seq"]}
        if record["seq"] is None and not any(
            p.row == record.row and p.column == self.headers["seq"] for p in self.problems
        ):
            self.problem(record.row, self.headers["seq"], "不能为空")
        for key in ("seq", "name", "department", *CHOICE_FIELDS):
            if record[key] is CLEAR:
                self.problem(record.row, self.headers[key], "不能清空")
        values["name"] = record["name"]
        for key in TEXT_FIELDS:
            values[key] = self.text(record, key)
        values["department_cell"] = record["department"]
        values["department"] = (self.department(record.row, self.headers["department"], record["department"])
                                if record["department"] else None)
        for key in CHOICE_FIELDS:
            values[key] = self.choice(record, key)
        # Raw cell: clean_text would fold the line breaks that may separate references.
        # A blank cell keeps the links; the marker removes them all.
        cell = record.raw.get("permit_items")
        if record["permit_items"] is CLEAR:
            values["permit_items"] = []
        elif is_blank(record["permit_items"]):
            values["permit_items"] = None
        else:
            values["permit_items"] = self.permit_items(record.row, cell, target)
        return values

    def build(self, records, target, summary):
        self.check_duplicates(records)
        parsed = [(record, self.parse(record, target)) for record in records]
        existing = {s.seq: s for s in IntermediaryService.objects.filter(edition=target).select_related("department")}
        for record, values in parsed:
            if values["seq"] not in existing:
                self.required_missing(record.row, values)
        if self.problems:
            return
        old_links = defaultdict(set)
        through = IntermediaryService.permit_items.through
        for service_id, item_id in through.objects.filter(intermediaryservice__edition=target).values_list(
            "intermediaryservice_id", "permititem_id"
        ):
            old_links[service_id].add(item_id)
        item_names = {}
        if any(old_links.values()):
            item_names = {i.pk: f"{i.code} {i.name}" for i in PermitItem.objects.filter(
                pk__in=set().union(*old_links.values())).only("code", "name")}

        seqs = {values["seq"] for _record, values in parsed}
        removed = [s for seq, s in existing.items() if seq not in seqs]
        to_create, to_update, relink, links = [], [], [], []
        links_label = str(IntermediaryService._meta.get_field("permit_items").verbose_name)
        for record, values in parsed:
            items = values.pop("permit_items")
            values.pop("department_cell")
            service = existing.get(values["seq"])
            if service is None:
                service = IntermediaryService(edition=target, **cells_merge(IntermediaryService, None, values)[0])
                items = items or []
                to_create.append(service)
                links.append((service, items))
                action, changes = "新增", []
                shown_items = [f"{i.code} {i.name}" for i in items]
            else:
                merged, changes = cells_merge(IntermediaryService, service, values)
                if changes:
                    values_apply(service, merged)
                    to_update.append(service)
                before = old_links.get(service.pk, set())
                if items is not None and {i.pk for i in items} != before:
                    old_text = "；".join(sorted(item_names.get(pk, str(pk)) for pk in before)) or "（空）"
                    new_text = "；".join(f"{i.code} {i.name}" for i in items)
                    changes.append(FieldChange("permit_items", links_label, old_text, new_text, cleared=not items))
                    relink.append(service.pk)
                    links.append((service, items))
                    shown_items = [f"{i.code} {i.name}" for i in items]
                else:
                    shown_items = sorted(item_names.get(pk, str(pk)) for pk in before)
                action = "更新" if changes else "不变"
            summary.preview.append({
                "row": record.row, "action": action, "changed": [c.label for c in changes], "changes": changes,
                "seq": service.seq, "name": service.name, "department": service.department.name,
                "commissioner": service.commissioner, "fee_nature": service.fee_nature, "level": service.level,
                "permit_items": shown_items,
            })
        for service in removed:
            summary.preview.append({
                "row": None, "action": "删除", "changed": [], "changes": [], "seq": service.seq,
                "name": service.name, "department": service.department.name, "commissioner": service.commissioner,
                "fee_nature": service.fee_nature, "level": service.level, "permit_items": [],
            })
        summary.removed = len(removed)

        # Only what changed is written, so re-importing an unchanged file is cheap and leaves no history noise.
        if removed:
            IntermediaryService.objects.filter(pk__in=[s.pk for s in removed]).delete()
        if to_update:
            rows_update(to_update, UPDATE_FIELDS, IntermediaryService, batch_size=500, user=self.user, history=not summary.dry_run)
        if relink:
            through.objects.filter(intermediaryservice__in=relink).delete()
        rows_create(to_create, IntermediaryService, batch_size=500, user=self.user, history=not summary.dry_run)
        through.objects.bulk_create(
            [through(intermediaryservice_id=service.pk, permititem_id=item.pk)
             for service, items in links for item in items],
            batch_size=1000,
        )
        if to_create:
            summary.add(str(_("中介服务事项")), len(to_create))
        changed_count = sum(1 for entry in summary.preview if entry["action"] == "更新")
        if changed_count:
            summary.add(str(_("中介服务事项")), changed_count, updated=True)

    def run(self, data, filename, target, *, dry_run=False, user=None, create_target=None):
        self.user = user
        return super().run(data, filename, target, dry_run=dry_run, user=user, create_target=create_target)
