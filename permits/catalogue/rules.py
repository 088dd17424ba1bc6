"""The permit catalogue's rules in one place: code formats, the prefix each child shares with its parent,
time limits and the full-online rule. Models, admin forms, the importer, views and the publish warnings
(`permits.catalogue.selectors.warnings`) all ask here; each check returns a Chinese message or None."""
import re

from django.utils.translation import gettext_lazy as _

ITEM_CODE_RE = r"^[0-9]{11}Y$"
SUB_ITEM_CODE_RE = r"^[0-9]{12}$"
HANDLING_CODE_RE = r"^[0-9]{14}$"
ITEM_PREFIX_LENGTH = 11

ITEM_CODE_RULE = _("11位数字加字母Y（如 00016421300Y）")
SUB_ITEM_CODE_RULE = _("12位数字")
HANDLING_CODE_RULE = _("14位数字")

_FULL = {"item": re.compile(ITEM_CODE_RE.replace("$", r"\Z")), "sub": re.compile(SUB_ITEM_CODE_RE.replace("$", r"\Z")),
         "handling": re.compile(HANDLING_CODE_RE.replace("$", r"\Z"))}

FULL_ONLINE = "3"  # OnlineDepth.FULL; the choices live with the model
ORIGINAL_ONLY = "原件"  # Material.Form.ORIGINAL


def is_item_code(code) -> bool:
    return bool(code) and bool(_FULL["item"].match(code))


def is_sub_item_code(code) -> bool:
    return bool(code) and bool(_FULL["sub"].match(code))


def is_handling_code(code) -> bool:
    return bool(code) and bool(_FULL["handling"].match(code))


def item_prefix(item_code: str) -> str:
    """What every sub-item code of the item starts with: the item code without its final Y."""
    return item_code[:ITEM_PREFIX_LENGTH]


def sub_item_outside_item(item_code, sub_code):
    """A message when the sub-item code does not belong to the item, else None."""
    if item_code and sub_code and not sub_code.startswith(item_prefix(item_code)):
        return (f"子项编码“{sub_code}”不属于事项“{item_code}”：子项编码应以事项编码的前{ITEM_PREFIX_LENGTH}位"
                f"“{item_prefix(item_code)}”开头")
    return None


def handling_outside_sub_item(sub_code, handling_code):
    if sub_code and handling_code and not handling_code.startswith(sub_code):
        return f"业务办理项编码“{handling_code}”不属于子项“{sub_code}”：应以子项编码“{sub_code}”开头"
    return None


def promised_over_statutory(statutory_days, promised_days):
    """An error: the promised time limit may not exceed the statutory one."""
    if statutory_days is not None and promised_days is not None and promised_days > statutory_days:
        return f"承诺办结时限（{promised_days}个工作日）不能超过法定办结时限（{statutory_days}个工作日）"
    return None


def full_online_asks_originals(online_depth, visits, material_forms):
    """A warning: a 全程网办 item with no visit should not ask for a material only as 原件 (paper)."""
    if online_depth == FULL_ONLINE and not visits:
        originals = [name for name, form in material_forms if form == ORIGINAL_ONLY]
        if originals:
            return f"全程网办且到现场0次，但材料“{'、'.join(originals)}”只收原件"
    return None
