"""The one rule every import applies to a cell: a blank cell keeps what is stored, the marker （清空） clears it.

A spreadsheet may fill only the cells it means to change. `cells_merge` turns one file row into the
values to write and the field-level changes (old → new, or cleared) the preview shows.
"""
import unicodedata
from dataclasses import dataclass

CLEAR_MARKER = "（清空）"
_CLEAR_FOLDED = unicodedata.normalize("NFKC", CLEAR_MARKER)  # "(清空)": full- and half-width brackets alike


class _Clear:
    """The value of a cell holding the clearing marker; falsy, so a required field treats it as empty."""

    def __bool__(self):
        return False

    def __str__(self):
        return CLEAR_MARKER

    __repr__ = __str__


CLEAR = _Clear()


def is_clear_marker(cell) -> bool:
    if not isinstance(cell, str) or "清空" not in cell:  # the common case, without normalising
        return False
    return unicodedata.normalize("NFKC", cell).replace(" ", "").strip() == _CLEAR_FOLDED


def is_blank(value) -> bool:
    """A cell that says nothing: keep the stored value (or the default, for a new row)."""
    return value is None or (isinstance(value, str) and value == "")


@dataclass(frozen=True)
class FieldChange:
    """One field of one row as the preview shows it: `old` → `new`, or cleared."""

    field: str
    label: str
    old: str
    new: str
    cleared: bool = False

    def __str__(self):
        if self.cleared:
            return f"{self.label}：清空（原为“{self.old}”）"
        return f"{self.label}：“{self.old}” → “{self.new}”"


def field_empty(field):
    """What clearing a field stores: NULL where allowed, else its default, else the empty string."""
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    return ""


def shown(field, value) -> str:
    """A stored value as staff read it in the preview."""
    if value is None or value == "":
        return "（空）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _stored(obj, field):
    return getattr(obj, field.attname)


def _comparable(field, value):
    return value.pk if field.is_relation and hasattr(value, "pk") else value


def cells_merge(model, obj, cells):
    """Merge one file row into `obj` (None for a new row) of `model`.

    `cells` maps model field names to the file's values: blank (None or "") keeps the stored value,
    CLEAR stores the field's empty value, anything else replaces it. Returns (values, changes):
    the field → value pairs to set (only real changes for an existing row) and a FieldChange for each."""
    values, changes = {}, []
    for name, cell in cells.items():
        if is_blank(cell):
            continue
        field = model._meta.get_field(name)
        new = field_empty(field) if cell is CLEAR else cell
        if obj is None:
            values[name] = new
            continue
        old = _stored(obj, field)
        if old == _comparable(field, new) or (cell is CLEAR and is_blank(old)):
            continue
        values[name] = new
        old_shown = shown(field, getattr(obj, name) if field.is_relation else old)
        changes.append(FieldChange(name, str(field.verbose_name), old_shown,
                                   "" if cell is CLEAR else shown(field, new), cleared=cell is CLEAR))
    return values, changes


def values_apply(obj, values):
    """Set merged values on `obj`; returns the changed field names (attnames for relations)."""
    fields = []
    for name, value in values.items():
        setattr(obj, name, value)
        fields.append(name)
    return fields
