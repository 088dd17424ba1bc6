"""The shared import flow: read → find the header row → normalise cells → validate → write atomically.

A catalogue importer declares its columns and implements `build(records, target)`, which
either collects problems or writes rows (in bulk). `catalogue_import` runs it in one transaction:
any problem, nothing written; a dry run rolls back after computing what would change.
"""
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction

from permits.models import AuditEvent, Department, ImportLog
from permits.kernel.access.audit import audit_record
from permits.kernel.lifecycle import edition_touch
from permits.kernel.models.editions import Edition

from permits.kernel.importing.errors import ImportFailed, ImportProblem
from permits.kernel.importing.formats import read_rows

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def clean_text(value) -> str:
    """Strip surrounding (also full-width) spaces; keep inner single spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


@dataclass
class Column:
    header: str
    key: str
    required: bool = False  # the column must be present
    aliases: tuple = ()
    kind: str = "text"  # text | code | int | bool

    def names(self):
        return (self.header, *self.aliases)


@dataclass
class Record:
    row: int
    values: dict
    raw: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.values.get(key, "")

    def get(self, key, default=""):
        return self.values.get(key, default)


@dataclass
class ImportSummary:
    rows: int = 0
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    dry_run: bool = False
    preview: list = field(default_factory=list)

    def add(self, what, n=1, updated=False):
        bucket = self.updated if updated else self.created
        bucket[what] = bucket.get(what, 0) + n

    def describe(self):
        parts = [f"共 {self.rows} 行"]
        parts += [f"新增{k} {v} 个" for k, v in self.created.items()]
        parts += [f"更新{k} {v} 个" for k, v in self.updated.items()]
        return "，".join(parts)


TRUE_WORDS = {"是", "收费", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "不收费", "免费", "n", "no", "false", "0", "无", ""}


class _DryRunRollback(Exception):
    pass


class SpreadsheetImporter:
    """Subclass per catalogue: set `catalogue` (a label), `columns`, implement `build`."""

    catalogue = ""
    columns: list[Column] = []

    def __init__(self):
        self.problems: list[ImportProblem] = []
        self._departments = None

    # ---- problems ----
    def problem(self, row, column, message):
        self.problems.append(ImportProblem(row, column, message))

    # ---- reading ----
    def header_row_index(self, rows):
        """The first row that holds most of the required headers (title rows may stand above)."""
        wanted = {c.header for c in self.columns if c.required}
        known = {name for c in self.columns for name in c.names()}
        for index, row in enumerate(rows[:30]):
            cells = {clean_text(v) for v in row}
            if wanted and len(cells & wanted) >= max(1, len(wanted) // 2):
                return index
            if not wanted and len(cells & known) >= 2:
                return index
        return None

    def records(self, rows):
        index = self.header_row_index(rows)
        if index is None:
            names = "、".join(c.header for c in self.columns if c.required)
            raise ImportFailed([ImportProblem(None, None, f"找不到表头行：表格前30行中没有包含“{names}”等列名的行。")])
        header = [clean_text(v) for v in rows[index]]
        positions = {}
        for column in self.columns:
            for name in column.names():
                if name in header:
                    positions[column.key] = header.index(name)
                    break
        missing = [c.header for c in self.columns if c.required and c.key not in positions]
        if missing:
            raise ImportFailed([ImportProblem(index + 1, None, f"缺少必需的列：{'、'.join(missing)}")])
        records = []
        by_key = {c.key: c for c in self.columns}
        for offset, row in enumerate(rows[index + 1:], start=index + 2):
            if all(clean_text(v) == "" for v in row):
                continue
            values, raw = {}, {}
            for key, pos in positions.items():
                cell = row[pos] if pos < len(row) else None
                raw[key] = cell
                values[key] = self.convert(offset, by_key[key], cell)
            records.append(Record(offset, values, raw))
        if not records:
            raise ImportFailed([ImportProblem(None, None, "表格中没有数据行。")])
        return records

    def convert(self, row, column, cell):
        text = clean_text(cell)
        if column.kind == "code":
            text = to_halfwidth(text).replace(" ", "").upper()
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                self.excel_number_code(row, column, text)
            return text
        if column.kind == "int":
            text = to_halfwidth(text).replace(" ", "")
            if text == "":
                return None
            try:
                number = float(text)
            except ValueError:
                self.problem(row, column.header, f"应填写数字，实际为“{text}”")
                return None
            if not number.is_integer() or number < 0:
                self.problem(row, column.header, f"应填写非负整数，实际为“{text}”")
                return None
            return int(number)
        if column.kind == "bool":
            word = to_halfwidth(text).lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            self.problem(row, column.header, f"应填写“是”或“否”，实际为“{text}”")
            return None
        return text

    def excel_number_code(self, row, column, text):
        """Hook: a code that Excel stored as a number (leading zeros lost)."""
        self.problem(
            row, column.header,
            f"编码“{text}”被 Excel 存成了数字，开头的 0 可能已丢失；请把该列设为文本格式后重新填写。",
        )

    # ---- lookups shared by catalogues ----
    def department(self, row, column, name):
        if self._departments is None:
            self._departments = {}
            for dept in Department.objects.all():
                self._departments[dept.name] = dept
                if dept.short_name:
                    self._departments.setdefault(dept.short_name, dept)
        if not name:
            self.problem(row, column, "不能为空")
            return None
        dept = self._departments.get(name)
        if dept is None:
            close = difflib.get_close_matches(name, list(self._departments), n=3, cutoff=0.4)
            hint = f"；相近的部门有：{'、'.join(close)}" if close else "；请先在“部门”中添加"
            self.problem(row, column, f"部门“{name}”不存在{hint}")
        return dept

    # ---- the flow ----
    def check_target(self, target):
        """Refuse targets that may not be written (a locked edition)."""
        if getattr(target, "is_editable", True) is False:
            raise ImportFailed([ImportProblem(None, None, f"《{target}》不是草稿（{target.get_status_display()}），不能导入；请复制为新草稿后再导入。")])

    def build(self, records, target, summary):
        raise NotImplementedError

    def run(self, data: bytes, filename: str, target, *, dry_run=False, user=None, create_target=None):
        """Import `data` into `target` in one transaction. Returns an ImportSummary.

        `create_target`, if given, is called inside the transaction to make the target
        (so a failed import leaves no new edition behind)."""
        summary = ImportSummary(dry_run=dry_run)
        log = dict(catalogue=self.catalogue, file_name=filename[:300], user=user)
        try:
            rows = read_rows(data, filename)
            records = self.records(rows)
            summary.rows = len(records)
            if self.problems:
                raise ImportFailed(self.problems)
            try:
                with transaction.atomic():
                    if create_target is not None:
                        target = create_target()
                    self.check_target(target)
                    self.build(records, target, summary)
                    if self.problems:
                        raise ImportFailed(self.problems)
                    if dry_run:
                        raise _DryRunRollback()
            except _DryRunRollback:
                pass
        except ImportFailed as failure:
            ImportLog.objects.create(
                target=str(target or "")[:300], rows=summary.rows, result=ImportLog.Result.FAILED,
                errors="\n".join(str(p) for p in failure.problems)[:20000], **log,
            )
            audit_record(AuditEvent.Action.IMPORT, None, user, {
                "catalogue": self.catalogue, "file_name": filename[:300], "target": str(target or "")[:300],
                "rows": summary.rows, "problems": len(failure.problems),
            }, success=False)
            raise
        ImportLog.objects.create(
            target=str(target)[:300], rows=summary.rows,
            created=sum(summary.created.values()), updated=sum(summary.updated.values()),
            result=ImportLog.Result.DRY_RUN if dry_run else ImportLog.Result.SUCCESS, **log,
        )
        if not dry_run:
            if isinstance(target, Edition):
                edition_touch(target, user)
            audit_record(AuditEvent.Action.IMPORT, target if hasattr(target, "_meta") else None, user, {
                "catalogue": self.catalogue, "file_name": filename[:300], "rows": summary.rows,
                "created": summary.created, "updated": summary.updated,
            })
        summary.target = None if dry_run and create_target else target
        return summary
