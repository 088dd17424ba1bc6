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
    old_by_code = {}
    for row in old_rows:
        key = normalise_code(get(row, code))
        if key:
            old_by_code.setdefault(key, []).append(row)
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
    old_by_name = {}
    if pending:
        for row in old_rows:
            if id(row) not in matched:
                old_by_name.setdefault(normalise_name(get(row, name)), []).append(row)
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


# ---- edition_diff: the same matching, level by level down a catalogue (items → … → materials) ----

@dataclass(frozen=True)
class DiffLevel:
    """One level of a catalogue as a catalogue describes it (registered as `diff=` in permits.kernel.registry).

    `rows(edition, names)` returns dicts (at least "pk", the code and name fields, `parent` and `names`);
    `fields` maps compared field → Chinese label; `public` names those shown to citizens; `display` maps a
    field to a function making its value readable; `group` names the field grouping top-level rows."""

    key: str
    label: str
    rows: object
    fields: dict
    public: tuple = ()
    parent: str | None = None
    code: str = "code"
    name: str = "name"
    display: dict = field(default_factory=dict)
    group: str | None = None


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    level: str
    label: str
    status: str  # "added" | "removed" | "changed" | "kept" (kept rows appear only as parents of changes)
    old: dict | None
    new: dict | None
    fields: list = field(default_factory=list)
    children: list = field(default_factory=list)
    contains: list = field(default_factory=list)  # [(level label, rows, level key)] below an added or removed row

    @property
    def row(self):
        return self.new if self.new is not None else self.old

    @property
    def code(self):
        return self.row.get("code", "")

    @property
    def name(self):
        return self.row.get("name", "")


@dataclass
class EditionDiff:
    levels: list  # [(key, label)], top level first
    groups: list  # [(group name, [RowChange of the top level])]
    counts: dict  # {level key: {"label", "added", "removed", "changed"}}

    def only(self, group):
        """The same diff limited to one group (e.g. a department), its counts recounted."""
        groups = [(name, rows) for name, rows in self.groups if name == group]
        counts = {key: {**c, "added": 0, "removed": 0, "changed": 0} for key, c in self.counts.items()}

        def count(change):
            if change.status in ("added", "removed"):
                counts[change.level][change.status] += 1
                for _label, n, key in change.contains:
                    counts[key][change.status] += n
            elif change.fields:
                counts[change.level]["changed"] += 1
            for child in change.children:
                count(child)
        for _name, rows in groups:
            for change in rows:
                count(change)
        return EditionDiff(self.levels, groups, counts)

    def page(self, number, size):
        """(the groups holding top-level rows number·size … (number+1)·size, pages in all); counts unchanged."""
        rows = [(name, change) for name, changes in self.groups for change in changes]
        pages = max(1, -(-len(rows) // size))
        number = min(max(1, number), pages)
        grouped = {}
        for name, change in rows[(number - 1) * size:number * size]:
            grouped.setdefault(name, []).append(change)
        return EditionDiff(self.levels, list(grouped.items()), self.counts), number, pages

    @property
    def total(self):
        return sum(c["added"] + c["removed"] + c["changed"] for c in self.counts.values())

    def as_json(self):
        def entry(change):
            return {"level": change.level, "status": change.status, "code": change.code, "name": change.name,
                    "fields": [{"field": f.label, "old": f.old, "new": f.new} for f in change.fields],
                    "contains": [{"level": key, "count": n} for _label, n, key in change.contains],
                    "children": [entry(c) for c in change.children]}
        return {"counts": self.counts,
                "groups": [{"group": name, "changes": [entry(c) for c in rows]} for name, rows in self.groups]}


def _shown(level, name, value):
    if name in level.display:
        return str(level.display[name](value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def edition_diff(old_edition, new_edition, levels, *, public=False):
    """The whole difference between two editions at every level of `levels` (top level first).

    Rows of each level match within their matched parent (by code, then normalised name); the children of
    an added or removed row are counted with it. One query per level and edition. `public` keeps only the
    fields citizens read (EditionDiff.only limits the result to one group)."""
    loaded = {}
    for level in levels:
        names = level.public if public else tuple(level.fields)
        loaded[level.key] = (
            list(level.rows(old_edition, names)) if old_edition is not None else [],
            list(level.rows(new_edition, names)),
        )
    children = {}  # (level key, side, parent pk) → rows
    for level in levels:
        if level.parent:
            for side, rows in enumerate(loaded[level.key]):
                for row in rows:
                    children.setdefault((level.key, side, row["parent"]), []).append(row)
    below = {level.parent: level for level in levels if level.parent}
    counts = {level.key: {"label": level.label, "added": 0, "removed": 0, "changed": 0} for level in levels}

    def whole(level, row, side, status):
        """An added or removed row; what it holds is counted (per level, and in `contains`), not listed."""
        counts[level.key][status] += 1
        change = RowChange(level.key, level.label, status, row if side == 0 else None, row if side == 1 else None)
        rows, child = [row], below.get(level.key)
        while child is not None:
            rows = [r for parent in rows for r in children.get((child.key, side, parent["pk"]), ())]
            counts[child.key][status] += len(rows)
            if rows:
                change.contains.append((child.label, len(rows), child.key))
            child = below.get(child.key)
        return change

    def compare(level, old_rows, new_rows):
        names = level.public if public else tuple(level.fields)
        child = below.get(level.key)
        signature = [level.code, level.name, *names]
        if [[r.get(f) for f in signature] for r in old_rows] == [[r.get(f) for f in signature] for r in new_rows]:
            # The same rows in the same order (most of a copied edition): pair them as they stand.
            retained = [(old, new, []) for old, new in zip(old_rows, new_rows)]
            if child is None:
                return []
            added = removed = ()
        else:
            result = catalogue_diff(old_rows, new_rows, compare=names, code=level.code, name=level.name)
            retained, added, removed = result.retained, result.added, result.removed
        changes = []
        for old, new, changed in retained:
            fields = [FieldChange(str(level.fields[f]), _shown(level, f, old.get(f)), _shown(level, f, new.get(f)))
                      for f in changed]
            change = RowChange(level.key, level.label, "changed" if fields else "kept", old, new, fields)
            if fields:
                counts[level.key]["changed"] += 1
            if child is not None:
                change.children = compare(child, children.get((child.key, 0, old["pk"]), []),
                                          children.get((child.key, 1, new["pk"]), []))
            if fields or change.children:
                changes.append(change)
        changes += [whole(level, row, 1, "added") for row in added]
        changes += [whole(level, row, 0, "removed") for row in removed]
        return changes

    top = next(level for level in levels if not level.parent)
    old_top, new_top = loaded[top.key]
    grouped = {}
    for change in compare(top, old_top, new_top):
        grouped.setdefault(change.row.get(top.group, "") if top.group else "", []).append(change)
    return EditionDiff(levels=[(level.key, level.label) for level in levels], groups=sorted(grouped.items()),
                       counts=counts)


def model_fields(model, names):
    """{field name: verbose name} and {field name: display of its choices} for a DiffLevel from `model`."""
    labels, display = {}, {}
    for name in names:
        f = model._meta.get_field(name.split("__")[0])
        if "__" in name:
            f = f.related_model._meta.get_field(name.split("__")[1])
            labels[name] = model._meta.get_field(name.split("__")[0]).verbose_name
        else:
            labels[name] = f.verbose_name
        if f.choices:
            choices = {k: str(v) for k, v in f.flatchoices}
            display[name] = lambda value, choices=choices: choices.get(value, value)
    return labels, display


def rows_diff(key, label, model, fields, *, public=None, group="department__name", edition="edition"):
    """The registered `diff` of a catalogue with one level of rows (`model`, linked by `edition`): compared
    `fields` (all for the reviewer, `public` for citizens), top-level rows grouped by `group`."""
    labels, display = model_fields(model, fields)

    def rows(catalogue, names):
        values = dict.fromkeys(("pk", "name", group, *names))
        if any(f.name == "code" for f in model._meta.fields):
            values["code"] = None
        return model.objects.filter(**{edition: catalogue}).order_by("seq", "pk").values(*values)

    level = DiffLevel(key, label, rows, labels, tuple(public or fields), display=display, group=group)

    def diff(old, new, *, public=False):
        return edition_diff(old, new, [level], public=public)
    return diff


DIFF_PAGE_SIZE = 50  # top-level rows per page of a diff (their children come with them)


def page_number(value):
    """A page parameter as a positive int; anything else is page 1."""
    try:
        return max(1, int(str(value or "1")[:9]))
    except ValueError:
        return 1
