"""The permit file's columns: which are required, their kinds, and how cells become values."""
import re
import unicodedata

from django.core.validators import URLValidator

from permits.models import HandlingItem, PermitItem, SubItem
from permits.catalogue.selectors.export import PERMIT_COLUMNS



REQUIRED = {"item_code", "item_name", "sub_code", "sub_name", "handling_code", "handling_name", "department"}
KINDS = {
    "seq": "int", "statutory_days": "int", "promised_days": "int", "visits": "int",
    "item_code": "code", "sub_code": "code", "handling_code": "code",
    "fee": "bool",
    # Free text that keeps its line breaks (materials are one per line).
    "legal_basis": "multiline", "remarks": "multiline", "conditions": "multiline",
    "procedure": "multiline", "materials": "multiline",
}
ALIASES = {
    "seq": ("序 号", "编号"),
    "handling_code": ("办理项编码",),
    "handling_name": ("办理项名称",),
    "department": ("主管部门（单位）", "实施部门"),
}
# Integer columns narrower than PositiveIntegerField (the default bound of base.Column).
INT_LIMITS = {"visits": 32767}
HEADER = dict((key, header) for header, key in PERMIT_COLUMNS)

# File column → model field, per level.
ITEM_FIELDS = {"item_name": "name", "implementing_bodies": "implementing_bodies",
               "legal_basis": "legal_basis", "remarks": "remarks"}
SUB_FIELDS = {"sub_name": "name", "approval_level": "approval_level", "exercise_level": "exercise_level",
              "accepting_level": "accepting_level", "first_review": "first_review"}
HANDLING_FIELDS = {
    "handling_name": "name", "situation": "situation", "conditions": "conditions", "procedure": "procedure",
    "statutory_days": "statutory_days", "promised_days": "promised_days", "fee": "fee",
    "fee_standard": "fee_standard", "fee_basis": "fee_basis", "visits": "visits",
    "online_depth": "online_depth", "place": "place", "hours": "hours", "enquiry_phone": "enquiry_phone",
    "complaint_phone": "complaint_phone", "online_url": "online_url", "result_document": "result_document",
}

LINE_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")
MATERIAL_SPLIT = re.compile(r"[｜|]")
url_validator = URLValidator()


def multiline(value):
    """Like clean_text, but line breaks survive (each line trimmed, blank edge lines dropped)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def code_hint(text, digits):
    if re.fullmatch(r"\d+(\.\d+)?E\+?\d+", text, re.IGNORECASE):
        return "；这是科学计数法，说明 Excel 把编码存成了数字，请把该列设为文本后重新填写"
    if text.isdigit() and len(text) < digits:
        return f"；只有{len(text)}位，开头的 0 可能被 Excel 丢失，请把该列设为文本后重新填写"
    return ""



LENGTH_FIELDS = {
    **{key: (PermitItem, field) for key, field in ITEM_FIELDS.items()},
    **{key: (SubItem, field) for key, field in SUB_FIELDS.items()},
    **{key: (HandlingItem, field) for key, field in HANDLING_FIELDS.items()
       if key not in ("statutory_days", "promised_days", "fee", "visits", "situation", "online_depth")},
}


LENGTH_LIMITS = {key: model._meta.get_field(name).max_length for key, (model, name) in LENGTH_FIELDS.items()
                 if model._meta.get_field(name).max_length}

