"""Marks the searched words in result text (escaped first, so data can never inject markup)."""
import functools
import re
from html import escape as _esc

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()


@functools.lru_cache(maxsize=256)
def _pattern(terms):
    words = sorted({_esc(t) for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def _marker(terms):
    """A function that escapes text and marks `terms` in it (plain str, for building markup)."""
    pattern = _pattern(tuple(terms or ()))
    if pattern is None:
        return _esc
    sub = pattern.sub
    return lambda text: sub(r"<mark>\g<0></mark>", _esc(text))


@register.filter
def highlight(text, terms):
    """`terms` is a list of words; each found occurrence is wrapped in <mark>."""
    return SafeString(_marker(terms)(str(text)))


# The list page's two loops, written out in Python: the hottest public page renders ~40 filter
# options and 20 results, and template nodes cost several times more than escaped f-strings.

@register.simple_tag
def filter_options(group):
    """The <li> links of one filter group (value, label, count, current or not)."""
    key = _esc(group["key"])
    current = ' aria-current="true"'
    return SafeString("".join(
        f'<li><a href="{_esc(o["url"])}"{current if o["active"] else ""} data-filter="{key}">'
        f'<span>{_esc(str(o["label"]))}</span><span class="count">{o["count"]:d}</span></a></li>'
        for o in group["options"]
    ))


@functools.lru_cache(maxsize=8)
def _result_labels(language):
    """The fixed words of a result, escaped, once per language rather than once per result."""
    return _esc(gettext("·办事指南")), _esc(gettext("查看全部子项")), _esc(gettext("主管部门："))


@functools.lru_cache(maxsize=256)
def _sub_count(language, n):
    return _esc(ngettext("%(n)s 个子项", "%(n)s 个子项", n) % {"n": n})


@register.simple_tag
def permit_results(items, terms):
    """The search results (permits.catalogue.selectors.permit_list.ListedItem): name and code with the searched
    words marked, department, first sub-items with their first guides. Every value is escaped here."""
    language = get_language()
    guide, more, department = _result_labels(language)
    mark = _marker(terms)
    out = []
    for item in items:
        url = _esc(item.url)
        subs = []
        for sub in item.subs:
            level = f' <span class="badge">{_esc(sub.exercise_level)}</span>' if sub.exercise_level else ""
            links = "".join(f'<a href="{_esc(link)}" class="badge badge-gray">{_esc(situation)}{guide}</a> '
                            for _code, situation, link in sub.handlings)
            subs.append(f"<li>{mark(sub.name)}{level}\n              {links}</li>")
        if item.sub_count > len(item.subs):
            subs.append(f'<li><a href="{url}">{more} ›</a></li>')
        out.append(
            f'<li class="result">\n<h2><a href="{url}">{mark(item.name)}</a></h2>\n'
            f'<p class="result-meta"><span class="code">{mark(item.code)}</span> '
            f'<span>{department}{_esc(item.department_name)}</span> <span>{_sub_count(language, item.sub_count)}</span></p>\n'
            f'<ul class="result-subs">{"".join(subs)}</ul>\n</li>\n'
        )
    return SafeString("".join(out))
