"""catalogue_diff: what was added, removed, kept and changed between two editions of a list.

Rows match by code first, then by a normalised name (spaces, full/half-width forms and bracket
styles folded), so a renumbered item is still "kept" and a renamed one with its code is "changed".
"""
import re
import unicodedata
from dataclasses import dataclass, field

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")",
                           "[": "(", "]": ")", "《": "", "》": "", "“": "", "”": "", "\"": ""})
_IGNORED = re.compile(r"[\s\u3000、，,。.;；:：·\-—_]+")


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _IGNORED.sub("", text).lower()


@dataclass
class DiffResult:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # (old, new) pairs, unchanged in compared fields
    changed: list = field(default_factory=list)  # (old, new, [field names]) triples

    @property
    def counts(self):
        return {"added": len(self.added), "removed": len(self.removed),
                "kept": len(self.kept) + len(self.changed), "changed": len(self.changed)}


def catalogue_diff(old_rows, new_rows, *, compare=(), code="code", name="name"):
    """Diff two iterables of objects (or dicts). `compare` names the fields whose change counts."""

    def get(obj, attr):
        return obj.get(attr, "") if isinstance(obj, dict) else getattr(obj, attr, "")

    old_rows, new_rows = list(old_rows), list(new_rows)
    result = DiffResult()
    old_by_code = {}
    for row in old_rows:
        value = get(row, code)
        if value:
            old_by_code.setdefault(value, row)
    old_by_name = {}
    for row in old_rows:
        old_by_name.setdefault(normalise_name(get(row, name)), row)
    matched = set()
    pending = []
    for row in new_rows:
        value = get(row, code)
        old = old_by_code.get(value) if value else None
        if old is not None and id(old) not in matched:
            matched.add(id(old))
            _pair(result, old, row, compare, get)
        else:
            pending.append(row)
    # Second pass by name, so a code match always wins over a name match.
    for row in pending:
        old = old_by_name.get(normalise_name(get(row, name)))
        if old is not None and id(old) not in matched:
            matched.add(id(old))
            _pair(result, old, row, compare, get)
        else:
            result.added.append(row)
    result.removed = [row for row in old_rows if id(row) not in matched]
    return result


def _pair(result, old, new, compare, get):
    changed = [f for f in compare if get(old, f) != get(new, f)]
    if changed:
        result.changed.append((old, new, changed))
    else:
        result.kept.append((old, new))
