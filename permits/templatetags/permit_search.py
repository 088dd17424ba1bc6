"""Marks the searched words in result text (escaped first, so data can never inject markup)."""
import functools
import re
from html import escape as _esc

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()


@functools.lru_cache(maxsize=256)
def _pattern(terms):
    words = sorted({_esc(t) for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


@register.filter
def highlight(text, terms):
    """`terms` is a list of words; each found occurrence is wrapped in <mark>."""
    safe = _esc(str(text))
    pattern = _pattern(tuple(terms or ()))
    if pattern is None:
        return mark_safe(safe)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", safe))


# The list page's two loops, written out in Python: the hottest public page renders ~40 filter
# options and 20 results, and template nodes cost several times more than escaped f-strings.

@register.simple_tag
def filter_options(group):
    """The <li> links of one filter group (value, label, count, current or not)."""
    key = _esc(group["key"])
    current = ' aria-current="true"'
    return mark_safe("".join(
        f'<li><a href="{_esc(o["url"])}"{current if o["active"] else ""} data-filter="{key}">'
        f'<span>{_esc(str(o["label"]))}</span><span class="count">{o["count"]:d}</span></a></li>'
        for o in group["options"]
    ))


@functools.lru_cache(maxsize=8)
def _result_labels(language):
    """The fixed words of a result, escaped, once per language rather than once per result."""
    return _esc(gettext("·办事指南")), _esc(gettext("查看全部子项")), _esc(gettext("主管部门："))


@register.simple_tag
def permit_result(item, terms):
    """One search result: name and code with the searched words marked, department, first sub-items
    with their first guides (permits.selectors.permit_list.ListedItem). Every value is escaped here."""
    guide, more, department = _result_labels(get_language())
    subs = []
    for sub in item.subs:
        level = f' <span class="badge">{_esc(sub.exercise_level)}</span>' if sub.exercise_level else ""
        links = "".join(f'<a href="{_esc(url)}" class="badge badge-gray">{_esc(situation)}{guide}</a> '
                        for _code, situation, url in sub.handlings)
        subs.append(f"<li>{highlight(sub.name, terms)}{level}\n              {links}</li>")
    if item.sub_count > len(item.subs):
        subs.append(f'<li><a href="{_esc(item.url)}">{more} ›</a></li>')
    count = ngettext("%(n)s 个子项", "%(n)s 个子项", item.sub_count) % {"n": item.sub_count}
    return mark_safe(
        f'<li class="result">\n<h2><a href="{_esc(item.url)}">{highlight(item.name, terms)}</a></h2>\n'
        f'<p class="result-meta"><span class="code">{highlight(item.code, terms)}</span> '
        f'<span>{department}{_esc(item.department_name)}</span> <span>{_esc(count)}</span></p>\n'
        f'<ul class="result-subs">{"".join(subs)}</ul>\n</li>\n'
    )
