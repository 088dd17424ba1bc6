"""`{key}`, `{中文名称}` and `{key:over}` in staff prose: parsing, validation and safe rendering.

Staff text is never run as a template: it is escaped, and only the placeholder pattern is replaced,
so `{{ … }}`, `{% … %}` and `<script>` show as the literal characters the staff typed.
"""
import difflib
import re

from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .figures import FORMATS, REGISTRY, chinese_names, figure_key, format_value, known_keys

# An English key, or a Chinese name (anything not ASCII up to the closing brace or a colon).
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*|[^\x00-\x7f{}:：\s][^{}:：\s]*)(?:[:：]([A-Za-z_]+))?\}")
SUGGESTIONS = 3


def placeholders_in(text):
    """[(key, format or None)] in order of appearance, Chinese names turned into their keys."""
    return [(figure_key(m.group(1)), m.group(2)) for m in PLACEHOLDER_RE.finditer(text or "")]


def closest_names(name, extra_keys=()):
    """The known names (keys and Chinese names) most like `name`, each as “中文名（key）”."""
    candidates = list(known_keys()) + list(extra_keys) + list(chinese_names())
    matches = difflib.get_close_matches(name, candidates, n=SUGGESTIONS, cutoff=0.3)
    out = []
    for match in matches:
        key = figure_key(match)
        figure = REGISTRY.get(key)
        shown = f"{figure.label}（{key}）" if figure else key
        if shown not in out:
            out.append(shown)
    return out


def validate_placeholders(text, extra_keys=()):
    """Raise ValidationError naming each unknown figure with the closest known names, or bad formats."""
    known = set(known_keys()) | set(extra_keys)
    unknown = sorted({key for key, _ in placeholders_in(text) if key not in known})
    bad_formats = sorted({fmt for _, fmt in placeholders_in(text) if fmt and fmt not in FORMATS})
    errors = []
    for name in unknown:
        close = closest_names(name, extra_keys)
        errors.append(ValidationError(
            "未知的数据名称：{%(name)s}。%(hint)s",
            code="unknown_figure",
            params={"name": name, "hint": ("最接近的名称：" + "、".join(close) + "。") if close
                    else "请在“可用数据”列表中选择名称。"},
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


def _figure_text(key, fmt, figures):
    """(text, figure) of a placeholder; text None where the figure has no data."""
    figure = figures.get(key)
    if figure is None or figure.get("value") is None or figure.get("text") is None:
        return None, figure
    return (format_value(figure["value"], figure["kind"], fmt) if figure["kind"] == "percent"
            else figure["text"]), figure


def _missing_label(key, figure):
    return figure["label"] if figure else key


def _figure_html(key, fmt, figures, links):
    text, figure = _figure_text(key, fmt, figures)
    if text is None:
        return format_html('<span class="figure-missing" data-figure="{}">「数据缺失：{}」</span>', key,
                           _missing_label(key, figure))
    if links and figure.get("url"):
        return format_html('<a class="figure" data-figure="{}" href="{}" title="{}">{}</a>',
                           key, figure["url"], figure["label"], text)
    return format_html('<span class="figure" data-figure="{}">{}</span>', key, text)


def render_inline(text, figures, *, links=True):
    """One line of staff text as safe HTML with its figures filled in."""
    out, pos = [], 0
    for match in PLACEHOLDER_RE.finditer(text or ""):
        out.append(escape(text[pos:match.start()]))
        out.append(_figure_html(figure_key(match.group(1)), match.group(2), figures, links))
        pos = match.end()
    out.append(escape((text or "")[pos:]))
    return mark_safe("".join(out))


def render_segments(text, figures, cls=""):
    """One line of staff text as plain [(text, css class)] for the laid-out documents (PDF, DOCX, OFD)."""
    out, pos = [], 0
    for match in PLACEHOLDER_RE.finditer(text or ""):
        out.append((text[pos:match.start()], cls))
        key = figure_key(match.group(1))
        value, figure = _figure_text(key, match.group(2), figures)
        out.append((value, cls) if value is not None
                   else (f"「数据缺失：{_missing_label(key, figure)}」", "figure-missing"))
        pos = match.end()
    out.append(((text or "")[pos:], cls))
    return [(piece, c) for piece, c in out if piece]


def staff_lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def render_paragraphs(text, figures, *, links=True):
    """Non-empty lines of staff text, each rendered inline (one paragraph per line)."""
    return [render_inline(line, figures, links=links) for line in staff_lines(text)]
