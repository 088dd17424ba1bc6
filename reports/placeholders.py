"""`{key}` and `{key:over}` in staff prose: parsing, validation and safe rendering.

Staff text is never run as a template: it is escaped, and only the placeholder pattern is replaced,
so `{{ … }}`, `{% … %}` and `<script>` show as the literal characters the staff typed.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .figures import FORMATS, format_value, known_keys

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_]+))?\}")


def placeholders_in(text):
    """[(key, format or None)] in order of appearance."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER_RE.finditer(text or "")]


def validate_placeholders(text, extra_keys=()):
    """Raise ValidationError naming unknown figures (and listing the known ones) or formats."""
    known = set(known_keys()) | set(extra_keys)
    unknown = sorted({key for key, _ in placeholders_in(text) if key not in known})
    bad_formats = sorted({fmt for _, fmt in placeholders_in(text) if fmt and fmt not in FORMATS})
    errors = []
    if unknown:
        errors.append(ValidationError(
            "未知的数据名称：%(unknown)s。可用的名称有：%(known)s",
            code="unknown_figure",
            params={"unknown": "、".join(unknown), "known": "、".join(known_keys())},
        ))
    if bad_formats:
        errors.append(ValidationError(
            "未知的显示格式：%(formats)s（只支持 :over，显示为“超过N%%”）",
            code="unknown_format", params={"formats": "、".join(bad_formats)},
        ))
    if errors:
        raise ValidationError(errors)


def missing_in(text, figures):
    """Labels of figures named in `text` that have no data."""
    labels = []
    for key, _ in placeholders_in(text):
        figure = figures.get(key)
        if figure is None or figure.get("text") is None:
            label = figure["label"] if figure else key
            if label not in labels:
                labels.append(label)
    return labels


def _figure_html(key, fmt, figures, links):
    figure = figures.get(key)
    if figure is None or figure.get("value") is None or figure.get("text") is None:
        label = figure["label"] if figure else key
        return format_html('<span class="figure-missing" data-figure="{}">「数据缺失：{}」</span>', key, label)
    text = format_value(figure["value"], figure["kind"], fmt) if figure["kind"] == "percent" else figure["text"]
    if links and figure.get("url"):
        return format_html('<a class="figure" data-figure="{}" href="{}" title="{}">{}</a>',
                           key, figure["url"], figure["label"], text)
    return format_html('<span class="figure" data-figure="{}">{}</span>', key, text)


def render_inline(text, figures, *, links=True):
    """One line of staff text as safe HTML with its figures filled in."""
    out, pos = [], 0
    for match in PLACEHOLDER_RE.finditer(text or ""):
        out.append(escape(text[pos:match.start()]))
        out.append(_figure_html(match.group(1), match.group(2), figures, links))
        pos = match.end()
    out.append(escape((text or "")[pos:]))
    return mark_safe("".join(out))


def render_paragraphs(text, figures, *, links=True):
    """Non-empty lines of staff text, each rendered inline (one paragraph per line)."""
    return [render_inline(line.strip(), figures, links=links)
            for line in (text or "").splitlines() if line.strip()]
