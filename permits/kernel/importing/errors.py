from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import: the spreadsheet row (1-based) and column it is in."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        prefix = "".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message


class ImportFailed(ValidationError):
    """The import was refused; nothing was written. `problems` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems], code="import_failed")
