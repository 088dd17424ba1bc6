"""catalogue_diff: what was added, removed, kept and changed between two editions of a list.

Rows match by code first, then by a normalised name (spaces, full/half-width forms, bracket and
quote styles folded), so a renumbered item is still "kept" and a renamed one with its code is "changed".
"""
import re
import unicodedata
from dataclasses import dataclass, field

# After NFKC, full-width （）［］ are already ASCII; the CJK-only brackets are folded here.
_BRACKETS = str.maketrans({
    "【": "(", "】": ")", "〔": "(", "〕": ")", "〖": "(", "〗": ")", "[": "(", "]": ")",
    "{": "(", "}": ")", "〈": "", "〉": "", "《": "", "》": "", "<": "", ">": "",
    "“": "", "”": "", "‘": "", "’": "", "「": "", "」": "", "『": "", "』": "", "\"": "", "'": "",
})
_IGNORED = re.compile(r"[\s\u3000\u200b\u200c\u200d\ufeff、，,。.;；:：·・\-—–_]+")


def normalise_name(name: str) -> str:
    """A key for comparing names: width, brackets, quotes, spaces and light punctuation folded."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _IGNORED.sub("", text).lower()


def normalise_code(code) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(code or ""))).upper()


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

    @property
    def retained(self):
        """Every matched pair, unchanged or changed, as (old, new, [changed fields])."""
        pairs = [(old, new, []) for old, new in self.kept] + list(self.changed)
        return sorted(pairs, key=lambda p: self._position[id(p[1])])

    _position: dict = field(default_factory=dict, repr=False)


def catalogue_diff(old_rows, new_rows, *, compare=(), code="code", name="name"):
    """Diff two iterables of objects (or dicts). `compare` names the fields whose change counts;
    the name field is compared in its normalised form."""

    def get(obj, attr):
        return obj.get(attr, "") if isinstance(obj, dict) else getattr(obj, attr, "")

    old_rows, new_rows = list(old_rows), list(new_rows)
    result = DiffResult()
    result._position = {id(row): i for i, row in enumerate(new_rows)}
    # Lists, not single rows: two old rows may share a name (or, in bad data, a code).
    old_by_code, old_by_name = {}, {}
    for row in old_rows:
        key = normalise_code(get(row, code))
        if key:
            old_by_code.setdefault(key, []).append(row)
        old_by_name.setdefault(normalise_name(get(row, name)), []).append(row)
    matched = set()

    def take(candidates):
        for row in candidates or ():
            if id(row) not in matched:
                matched.add(id(row))
                return row
        return None

    pending = []
    for row in new_rows:
        key = normalise_code(get(row, code))
        old = take(old_by_code.get(key)) if key else None
        if old is not None:
            _pair(result, old, row, compare, get, name)
        else:
            pending.append(row)
    # Second pass by name, so a code match always wins over a name match.
    for row in pending:
        old = take(old_by_name.get(normalise_name(get(row, name))))
        if old is not None:
            _pair(result, old, row, compare, get, name)
        else:
            result.added.append(row)
    result.removed = [row for row in old_rows if id(row) not in matched]
    return result


def _pair(result, old, new, compare, get, name):
    changed = []
    for f in compare:
        before, after = get(old, f), get(new, f)
        if f == name:
            before, after = normalise_name(before), normalise_name(after)
        if before != after:
            changed.append(f)
    if changed:
        result.changed.append((old, new, changed))
    else:
        result.kept.append((old, new))
