"""The figure registry: every number the annual report names, with its label, how it is computed
from the data of a year, and the public page that lists what was counted."""
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Callable, Optional

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intermediaries.selectors import intermediary_list_of_year, intermediary_service_count
from permits.models import HandlingItem, PermitCatalogue, PermitItem, SubItem
from permits.kernel.chinese import percent_text
from permits.kernel.selectors import edition_in_force
from permits.onething.selectors import one_thing_figures_for_year
from permits.powers.selectors import power_figures_for_year

PERMITS_URL = "/permits/"
INTERMEDIARIES_URL = "/intermediaries/"
POWERS_URL = "/powers/"
ONE_THINGS_URL = "/one-things/"

FORMATS = ("over",)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    compute: Optional[Callable] = None  # (YearData) -> value or None; None for staff-entered
    url: Optional[Callable] = None  # (YearData) -> public path or ""
    kind: str = "count"  # count | text | percent
    aliases: tuple = ()  # further Chinese names staff may type, beside the label

    @property
    def computed(self):
        return self.compute is not None


class YearData:
    """The data of one year, each source read once however many figures use it."""

    def __init__(self, year):
        self.year = year

    @cached_property
    def permit_edition(self):
        return edition_in_force(PermitCatalogue, self.year)

    def permit_count(self, model):
        edition = self.permit_edition
        return None if edition is None else model.objects.filter(edition=edition).count()

    @cached_property
    def intermediary_list(self):
        return intermediary_list_of_year(self.year)

    @cached_property
    def powers(self):
        return power_figures_for_year(self.year)

    @cached_property
    def one_things(self):
        return one_thing_figures_for_year(self.year)

    def permit_url(self, anchor):
        edition = self.permit_edition
        if edition is None:
            return PERMITS_URL
        return reverse("permits:edition.detail", args=[edition.edition]) + anchor

    def intermediary_url(self):
        edition = self.intermediary_list
        if edition is None:
            return INTERMEDIARIES_URL
        return reverse("intermediaries:edition.detail", args=[edition.edition]) + "#services"

    def powers_year_url(self, anchor):
        return f"{POWERS_URL}?year={self.year}{anchor}"

    def one_things_url(self):
        return f"{ONE_THINGS_URL}?year={self.year}"

    def zone_url(self):
        catalogue = self.powers["zone_catalogue"]
        return f"{POWERS_URL}{catalogue.pk}/" if catalogue is not None else POWERS_URL


def _title(obj):
    return None if obj is None else obj.title


def _intermediary_count(data):
    edition = data.intermediary_list
    return None if edition is None else intermediary_service_count(edition)


def _sites(data):
    sites = data.powers["demonstration_sites"]
    return "、".join(str(site) for site in sites) if sites else None


def _power(key):
    return lambda data: data.powers[key]


def _one_thing(key):
    return lambda data: data.one_things[key]


def _permit_url(anchor):
    return lambda data: data.permit_url(anchor)


def _powers_url(anchor):
    return lambda data: data.powers_year_url(anchor)


COMPUTED = [
    Figure("permit_catalogue_title", _("行政许可事项清单名称"), lambda d: _title(d.permit_edition),
           _permit_url(""), "text"),
    Figure("permit_items", _("行政许可事项数"), lambda d: d.permit_count(PermitItem), _permit_url("#items"),
           aliases=("许可事项数", "事项数")),
    Figure("permit_sub_items", _("行政许可子项数"), lambda d: d.permit_count(SubItem), _permit_url("#sub-items"),
           aliases=("子项数",)),
    Figure("permit_handling_items", _("业务办理项数"), lambda d: d.permit_count(HandlingItem),
           _permit_url("#handling-items"), aliases=("办理项数",)),
    Figure("intermediary_list_title", _("中介服务事项清单名称"), lambda d: _title(d.intermediary_list),
           YearData.intermediary_url, "text"),
    Figure("intermediary_services", _("中介服务事项数"), _intermediary_count, YearData.intermediary_url),
    Figure("observation_points", _("赋权观测点数"), _power("observation_points"), _powers_url("#points-heading")),
    Figure("observation_counties", _("观测点涉及县区数"), _power("observation_counties"), _powers_url("#points-heading")),
    Figure("observation_zones", _("观测点涉及功能区数"), _power("observation_zones"), _powers_url("#points-heading")),
    Figure("demonstration_sites", _("基层审批服务执法示范点"), _sites, _powers_url("#sites-heading"), "text"),
    Figure("zone_catalogue_title", _("开发区权限目录名称"), lambda d: _title(d.powers["zone_catalogue"]),
           YearData.zone_url, "text"),
    Figure("zone_powers", _("开发区权限目录事项数"), _power("zone_powers"), YearData.zone_url),
    Figure("zone_power_departments", _("权限目录涉及市直部门数"), _power("zone_power_departments"),
           YearData.zone_url),
    Figure("zone_powers_removed", _("权限目录调出事项数"), _power("zone_powers_removed"), YearData.zone_url),
    Figure("zone_powers_added", _("权限目录新增事项数"), _power("zone_powers_added"), YearData.zone_url),
    Figure("one_things", _("“高效办成一件事”数"), _one_thing("one_things"), YearData.one_things_url),
    Figure("one_things_one_window", _("“一窗”可办的“一件事”数"), _one_thing("one_things_one_window"),
           YearData.one_things_url),
    Figure("one_things_measured", _("有压减数据的“一件事”数"), _one_thing("one_things_measured"),
           YearData.one_things_url),
    Figure("one_things_reduction", _("“一件事”综合平均压减率"), _one_thing("one_things_reduction"),
           YearData.one_things_url, "percent"),
]

# Entered by staff as AnnualFigure rows; the label here names them when they are missing.
STAFF = [
    Figure("study_events", _("习近平法治思想学习宣传活动次数")),
    Figure("law_exam_pass_rate", _("学法考试通过率"), kind="text"),
    Figure("supervision_coverage", _("“互联网+监管”覆盖率"), kind="text"),
    Figure("supervision_info_published", _("“互联网+监管”发布信息条数")),
    Figure("supervision_actions_pushed", _("监管行为推送次数")),
    Figure("zone_business_handled", _("“一件事”专区办理业务件数"), kind="text"),
    Figure("law_meetings", _("法治专题会议次数")),
    Figure("law_lectures", _("法治宣讲次数")),
    Figure("open_day_representatives", _("开放日邀请代表人数")),
]

REGISTRY = {figure.key: figure for figure in COMPUTED + STAFF}
COMPUTED_KEYS = {f.key for f in COMPUTED}


def register_figure(figure):
    """Upper floors add their computed figures from AppConfig.ready(); a second call is a no-op."""
    if figure.key in REGISTRY:
        return
    COMPUTED.append(figure)
    REGISTRY[figure.key] = figure
    COMPUTED_KEYS.add(figure.key)


def known_keys():
    return list(REGISTRY)


@lru_cache(maxsize=1)
def chinese_names():
    """{Chinese name: key}: every figure's label (without its quotation marks too) and aliases."""
    names = {}
    for figure in REGISTRY.values():
        label = str(figure.label)
        for name in (label, label.replace("“", "").replace("”", ""), *figure.aliases):
            names.setdefault(name, figure.key)
    return names


def placeholder_name(key, label=""):
    """The Chinese name staff type for a figure: the registry's label, else the entered one."""
    figure = REGISTRY.get(key)
    return str(figure.label) if figure else (label or key)


def figure_key(name):
    """The registry key a placeholder name stands for (English key or Chinese name); else the name."""
    return name if name in REGISTRY else chinese_names().get(name, name)


def format_value(value, kind="count", fmt=None):
    """The text a figure shows; `over` turns a fraction into 超过77% (floor, so it stays true)."""
    if value is None:
        return None
    if kind == "percent":
        percent = float(value) * 100
        if fmt == "over":
            floor = math.floor(percent + 1e-9)
            return f"超过{floor}%" if percent - floor > 1e-9 else f"{floor}%"
        return percent_text(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _staff_text(figure):
    if figure.display:
        return figure.display
    value = figure.value.normalize() if isinstance(figure.value, Decimal) else figure.value
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return f"{text}{figure.unit}" if figure.unit in ("%", "％") else text


def figures_for_year(year):
    """{key: {"label", "value", "text", "url", "kind", "computed"}} for every registered figure and
    every staff figure of the year. "value" is JSON-safe; "text" is None where data is missing."""
    from reports.models import AnnualFigure

    data = YearData(year)
    result = {}
    for figure in COMPUTED:
        value = figure.compute(data)
        if isinstance(value, Decimal):
            value = float(value)
        result[figure.key] = {
            "label": str(figure.label), "value": value, "text": format_value(value, figure.kind),
            "url": figure.url(data) if figure.url else "", "kind": figure.kind, "computed": True,
        }
    for figure in STAFF:
        result[figure.key] = {"label": str(figure.label), "value": None, "text": None, "url": "",
                              "kind": figure.kind, "computed": False}
    for row in AnnualFigure.objects.filter(year=year).order_by("key"):
        result[row.key] = {
            "label": row.label or result.get(row.key, {}).get("label", row.key),
            "value": str(row.value), "text": _staff_text(row), "url": "", "kind": "text",
            "computed": False, "unit": row.unit, "source": row.source_note,
        }
    return result
