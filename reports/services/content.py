"""What a report shows: its prose and its figures, live for a draft, frozen for a published report."""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string

from permits.onething.selectors import one_thing_reductions_for_year
from permits.kernel.chinese import percent_text
from reports.chart import reduction_chart_svgs
from reports.figures import figures_for_year
from reports.models import ReportSection
from reports.services.document import published_text, report_blocks
from reports.placeholders import missing_in, placeholders_in, render_inline, render_paragraphs

# Bump when code changes what a given state renders to; template and style edits are caught by layout_digest.
LAYOUT_VERSION = "5"
LAYOUT_FILES = ("reports/report_pdf.html", "reports/includes/sections.html", "reports/includes/lines.html")

CHINESE_DIGITS = "零一二三四五六七八九"
CHART_KEY_PREFIX = "one_things"


def chinese_number(n):
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十") + (CHINESE_DIGITS[ones] if ones else "")


def _numbered(sections):
    """Number headings 一、 /（一）/ 1. from their order; lower levels restart under a higher one."""
    counters = {1: 0, 2: 0, 3: 0}
    out = []
    for level, heading, body in sections:
        number = ""
        if level in counters and heading:
            counters[level] += 1
            for lower in range(level + 1, 4):
                counters[lower] = 0
            number = {1: f"{chinese_number(counters[1])}、", 2: f"（{chinese_number(counters[2])}）",
                      3: f"{counters[3]}."}[level]
        out.append({"level": level, "number": number, "heading": heading, "body": body})
    return out


def report_content(report):
    """The JSON-safe content of a report: frozen if published, otherwise read live from the data."""
    if report.is_published and report.frozen_figures and "sections" in report.frozen_figures:
        return report.frozen_figures
    rows = ReportSection.objects.filter(report=report).order_by("order", "pk").values_list(
        "level", "heading", "body")
    return {
        "year": report.year,
        "title": report.title,
        "organisation": report.organisation,
        "intro": report.intro,
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "sections": _numbered(rows),
        "figures": figures_for_year(report.year),
        "chart": [[name, value] for name, value in one_thing_reductions_for_year(report.year)],
    }


@lru_cache(maxsize=1)
def layout_digest():
    """A digest of the PDF's templates and style sheet, so a new layout never serves an old file."""
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for name in LAYOUT_FILES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(Path(finders.find("reports/pdf.css")).read_bytes())
    return digest.hexdigest()


def content_key(content):
    """A digest of everything a rendering depends on: the state key of the PDF cache."""
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{layout_digest()}\n{payload}".encode()).hexdigest()[:32]


def used_keys(content):
    keys = []
    texts = [content.get("intro", "")] + [s["heading"] + "\n" + s["body"] for s in content["sections"]]
    for text in texts:
        for key, _ in placeholders_in(text):
            if key not in keys:
                keys.append(key)
    return keys


def missing_figures(content):
    """Labels of the figures the report names that have no data."""
    labels = missing_in(content.get("intro", ""), content["figures"])
    for section in content["sections"]:
        for label in missing_in(section["heading"] + "\n" + section["body"], content["figures"]):
            if label not in labels:
                labels.append(label)
    return labels


def _chart_index(sections):
    """The section after which the chart goes: the first naming a one-thing figure, else the last."""
    for index, section in enumerate(sections):
        if any(key.startswith(CHART_KEY_PREFIX) for key, _ in placeholders_in(section["body"])):
            return index
    return len(sections) - 1


TITLE_LINE_CHARS = 20  # 22 pt characters in the 156 mm text block


def title_lines(title, organisation):
    """A long title breaks after the issuing organisation, as official documents set it."""
    if len(title) > TITLE_LINE_CHARS and organisation and title.startswith(organisation) and title != organisation:
        return [organisation, title[len(organisation):]]
    return [title]


def report_context(content, *, links=True, chart_inline=True):
    """Template context; the PDF sets the chart on its own page as an attachment (附件) instead."""
    figures = content["figures"]
    chart_at = _chart_index(content["sections"]) if chart_inline else None
    sections = []
    for index, section in enumerate(content["sections"]):
        sections.append({
            "level": section["level"], "number": section["number"],
            "heading": render_inline(section["heading"], figures, links=links),
            "paragraphs": render_paragraphs(section["body"], figures, links=links),
            "chart": index == chart_at,
        })
    return {
        "content": content,
        "title_lines": title_lines(content["title"], content.get("organisation", "")),
        "published_text": published_text(content),
        "intro": render_paragraphs(content.get("intro", ""), figures, links=links),
        "sections": sections,
        "chart_svgs": reduction_chart_svgs(content.get("chart") or []),
        "chart_rows": [(name, percent_text(value, 0)) for name, value in content.get("chart") or []],
        "chart_caption": f"{content['year']}年“高效办成一件事”综合压减率",
    }


def report_render_html(report, *, content=None, for_pdf=False, request=None, draft=None):
    """The report as HTML: the body fragment for the page, or the whole document the PDF is made of."""
    content = content or report_content(report)
    context = report_context(content, links=not for_pdf, chart_inline=not for_pdf)
    context["report"] = report
    context["draft"] = (not report.is_published) if draft is None else draft
    if for_pdf:
        context["blocks"] = report_blocks(content, context["title_lines"])
    template = "reports/report_pdf.html" if for_pdf else "reports/includes/body.html"
    return render_to_string(template, context, request=request)
