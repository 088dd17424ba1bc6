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

from permits.kernel.exporting import unescape_formula
from permits.kernel.importing.cells import CLEAR, is_clear_marker
from permits.kernel.importing.errors import ImportFailed, ImportProblem
from permits.kernel.importing.formats import FormulaWithoutValue, read_sheets

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# Control characters (NUL and the like) that no typed cell holds; tab and line breaks are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Longer than any text field of a catalogue row; fields with a max_length are checked on their own.
MAX_CELL_CHARS = 20_000
# The smallest integer column of the catalogues (PositiveIntegerField on every database).
MAX_INT = 2_147_483_647


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
    max_value: int = MAX_INT  # int columns: the model field's upper bound

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
    warnings: list = field(default_factory=list)  # ImportProblem the import accepts but staff should read

    def add(self, what, n=1, updated=False):
        bucket = self.updated if updated else self.created
        bucket[what] = bucket.get(what, 0) + n

    def describe(self):
        parts = [f"共 {self.rows} 行"]
        parts += [f"新增{k} {v} 个" for k, v in self.created.items()]
        parts += [f"更新{k} {v} 个" for k, v in self.updated.items()]
        text = "，".join(parts)
        if self.warnings:
            text += "。提示：" + "；".join(self.warnings)
        return text


TRUE_WORDS = {"是", "收费", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "不收费", "免费", "n", "no", "false", "0", "无"}


class _DryRunRollback(Exception):
    pass


class SpreadsheetImporter:
    """Subclass per catalogue: set `catalogue` (a label), `columns`, implement `build`."""

    catalogue = ""
    columns: list[Column] = []

    def __init__(self):
        self.problems: list[ImportProblem] = []
        self.warnings: list[str] = []
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
        known = {name for c in self.columns for name in c.names()}
        unknown = [name for name in dict.fromkeys(header) if name and name not in known]
        if unknown:
            self.warnings.append(f"第{index + 1}行有未识别的列，将被忽略：{'、'.join(unknown[:20])}")
        records = []
        by_key = {c.key: c for c in self.columns}
        for offset, row in enumerate(rows[index + 1:], start=index + 2):
            if all(clean_text(v) == "" for v in row):
                continue
            values, raw = {}, {}
            for key, pos in positions.items():
                cell = self.checked_cell(offset, by_key[key], row[pos] if pos < len(row) else None)
                raw[key] = cell
                # The clearing marker is read before any conversion, whatever the column's kind.
                values[key] = CLEAR if is_clear_marker(cell) else self.convert(offset, by_key[key], cell)
            records.append(Record(offset, values, raw))
        if not records:
            raise ImportFailed([ImportProblem(None, None, "表格中没有数据行。")])
        return records

    def checked_cell(self, row, column, cell):
        """What no column may hold, reported rather than dropped: formulas without a value, control
        characters, text longer than any field."""
        if isinstance(cell, FormulaWithoutValue):
            self.problem(row, column.header, f"单元格 {cell.coordinate} 是公式，但文件中没有保存计算结果；"
                                             "请在 Excel 中打开并保存，或把公式替换为数值后重新导入")
            return None
        if isinstance(cell, str):
            if _CONTROL.search(cell):
                self.problem(row, column.header, "含有不可见的控制字符（如 NUL），请删除后重新导入")
            if len(cell) > MAX_CELL_CHARS:
                self.problem(row, column.header, f"内容过长：{len(cell):,} 个字符，最多 {MAX_CELL_CHARS:,} 个")
                return ""
        return cell

    def refuse_extra_sheets(self, sheets):
        """Only the first sheet is imported: another sheet holding the header row would be lost unseen."""
        extra = [name for name, rows in sheets[1:] if self.header_row_index(rows) is not None]
        if extra:
            raise ImportFailed([ImportProblem(None, None, (
                f"只导入第一个工作表“{sheets[0][0]}”，但工作表“{'”“'.join(extra)}”也含有表头行；"
                "请把数据合并到第一个工作表，或删除多余的工作表后重新导入。"))])

    def convert(self, row, column, cell):
        # Undo the guard quote export puts before formula-like cells (before spaces are cleaned), so a download imports back.
        text = clean_text(unescape_formula(cell))
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
                self.problem(row, column.header, f"应填写非负整数，实际为“{text[:40]}”")
                return None
            if number > column.max_value:
                self.problem(row, column.header, f"数值“{text[:40]}”过大，最大为 {column.max_value:,}")
                return None
            return int(number)
        if column.kind == "bool":
            word = to_halfwidth(text).lower()
            if word == "":
                return None  # blank keeps the stored value
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
            sheets = read_sheets(data, filename)
            self.refuse_extra_sheets(sheets)
            records = self.records(sheets[0][1])
            summary.warnings = self.warnings
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
