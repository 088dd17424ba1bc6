"""Self-check of the items of 《政府网站与政务新媒体检查指标》 that a site can test on itself.

The pages are requested in-process through the whole middleware stack (as a reader would get them),
starting from every URL of the site map, and every internal link and attachment they show is
followed once. Each check yields rows of (item, passed, page, detail).
"""
import datetime
import re
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from intermediaries.models import IntermediaryService
from permits.models import DelegatedPower, EditionStatus, OneThing, PowerCatalogue
from permits.catalogue.selectors.catalogue import permit_catalogue_counts, published_permit_catalogue
from reports.models import AnnualReport


SLOW_SECONDS = 15
NEWS_DAYS = 14  # 动态、要闻类栏目：两周
POLICY_DAYS = 183  # 通知公告、政策文件类栏目：六个月
ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|csv|json|ofd|zip|wps|et)$", re.I)
SKIP_PREFIXES = ("/admin/", "/static/admin/")
DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
PAGE_DATE = re.compile(rf"(发布|更新|施行|上线|成文)(日期|时间)?[：:]\s*(<[^>]+>\s*)*{DATE}|{DATE}\s*(发布|更新)")


@dataclass
class Row:
    item: str
    passed: bool
    page: str = ""
    detail: str = ""


# ---- sections (栏目): what each holds, when it last changed, how often it must ----

def _permits():
    edition = published_permit_catalogue()
    return (permit_catalogue_counts(edition)["items"] if edition else 0), (edition.published_on if edition else None)


def _intermediaries():
    services = IntermediaryService.objects.filter(edition__status=EditionStatus.PUBLISHED)
    latest = services.order_by("-edition__published_on").values_list("edition__published_on", flat=True).first()
    return services.count(), latest


def _powers():
    latest = PowerCatalogue.objects.published().order_by("-published_on").values_list("published_on", flat=True).first()
    return DelegatedPower.objects.filter(edition__status=EditionStatus.PUBLISHED).count(), latest


def _one_things():
    latest = OneThing.objects.order_by("-launched_on").values_list("launched_on", flat=True).first()
    return OneThing.objects.count(), latest


def _reports():
    reports = AnnualReport.objects.published()
    return reports.count(), reports.order_by("-published_on").values_list("published_on", flat=True).first()


# (key, name, url, reader, default period in days or None). Catalogues change when policy does and the
# report once a year, so none has a period by default; GOVSITE_AUDIT_PERIODS = {"key": days} sets one
# (NEWS_DAYS for news-like columns, POLICY_DAYS for notices and policy documents).
SECTIONS = [
    ("permits", _("行政许可事项"), "/permits/", _permits, None),
    ("intermediaries", _("中介服务"), "/intermediaries/", _intermediaries, None),
    ("powers", _("赋权目录"), "/powers/", _powers, None),
    ("one-things", _("高效办成一件事"), "/one-things/", _one_things, None),
    ("reports", _("法治政府建设报告"), "/reports/", _reports, None),
]


def section_rows(today):
    periods = getattr(settings, "GOVSITE_AUDIT_PERIODS", {})
    rows = []
    for key, name, url, reader, default in SECTIONS:
        count, latest = reader()
        rows.append(Row(_("空白栏目"), count > 0, url, _("%(name)s：%(count)s条") % {"name": name, "count": count}))
        period = periods.get(key, default)
        if period is None:
            rows.append(Row(_("栏目更新"), True, url, _("%(name)s：未设更新周期（可在 GOVSITE_AUDIT_PERIODS 中设置）") % {"name": name}))
            continue
        age = (today - latest).days if latest else None
        fresh = age is not None and age <= period
        rows.append(Row(_("栏目更新"), fresh, url, _("%(name)s：最近更新%(latest)s，要求%(period)s天内") % {
            "name": name, "latest": latest.isoformat() if latest else _("无"), "period": period}))
    return rows


# ---- pages ----

class _PageParser(HTMLParser):
    """Links, resources and the footer's text and links of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.resources, self.footer_links = [], [], []
        self.footer_text, self._footer_depth = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "footer":
            self._footer_depth += 1
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], "download" in attrs))
            if self._footer_depth:
                self.footer_links.append(attrs["href"])
        elif tag in ("img", "script") and attrs.get("src"):
            self.resources.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "icon"):
            self.resources.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "footer" and self._footer_depth:
            self._footer_depth -= 1

    def handle_data(self, data):
        if self._footer_depth:
            self.footer_text.append(data)


def footer_rows(path, parser):
    text = "".join(parser.footer_text)
    links = parser.footer_links
    checks = [
        (_("网站标识码"), re.search(r"网站标识码[：:]\s*[0-9A-Za-z]{10}(?![0-9A-Za-z])", text)),
        (_("ICP备案号及链接"), re.search(r"ICP备\d+号", text) and any("beian.miit.gov.cn" in h for h in links)),
        (_("公安机关备案号及链接"), re.search(r"公网安备\s*\d+号", text) and any("beian.mps.gov.cn" in h for h in links)),
        (_("主办单位"), re.search(r"主办单位[：:]\s*\S", text)),
        (_("联系方式"), re.search(r"(联系方式|电话|热线)[^0-9]{0,12}\d{5,}", text)),
        (_("网站地图"), any(urlsplit(h).path.rstrip("/").endswith("sitemap") for h in links)),
    ]
    return [Row(_("页脚：") + name, bool(ok), path) for name, ok in checks]


def is_content_page(path):
    """Detail pages and the list pages that publish a catalogue: each must show its date."""
    return bool(re.match(r"^/(permits|intermediaries|powers|one-things|reports)/.+", path)) or path in (
        "/permits/", "/intermediaries/", "/reports/")


@dataclass
class Crawl:
    client: Client
    slow_seconds: float
    timings: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    referrers: dict = field(default_factory=dict)

    def fetch(self, path):
        started = time.monotonic()
        response = self.client.get(path, secure=True)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        self.timings[path] = time.monotonic() - started
        self.statuses[path] = response.status_code
        return response, body


def _internal(base_path, href):
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urlsplit(urljoin("http://site" + base_path, href))
    if url.netloc != "site":
        return None
    if re.search(r"(^|&)(zh|care)=", url.query):
        return None  # the same page in another reading mode
    return url.path + (f"?{url.query}" if url.query else "")


def sitemap_paths(client):
    """Every URL the site map lists, followed through its index when it has one."""
    paths, todo = [], ["/sitemap.xml"]
    while todo:
        body = client.get(todo.pop(), secure=True).content.decode()
        for loc in re.findall(r"<loc>([^<]+)</loc>", body):
            path = urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else "")
            (todo if urlsplit(loc).path.startswith("/sitemap-") else paths).append(path)
    return paths


def run_audit(*, slow_seconds=SLOW_SECONDS, today=None, host=None):
    """All rows of the audit, failures included; the caller prints them."""
    today = today or timezone.localdate()
    host = host or next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "localhost")
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="zh-hans")
    crawl = Crawl(client, slow_seconds)
    rows = section_rows(today)

    pages = sitemap_paths(client)
    links, attachments = {}, {}
    footer_failures, undated = {}, []
    for path in pages:
        response, body = crawl.fetch(path)
        if response.status_code != 200:
            continue
        parser = _PageParser()
        parser.feed(body.decode(response.charset or "utf-8", errors="replace"))
        for row in footer_rows(path, parser):
            if not row.passed:
                footer_failures.setdefault(row.item, []).append(path)
        if is_content_page(path) and not PAGE_DATE.search(body.decode(errors="replace").split("<footer")[0]):
            undated.append(path)
        for href, download in parser.links + [(src, False) for src in parser.resources]:
            target = _internal(path, href)
            if target is None or target.startswith(SKIP_PREFIXES):
                continue
            bucket = attachments if download or ATTACHMENT.search(urlsplit(target).path) else links
            bucket.setdefault(target, path)

    rows += [Row(item, not failures, ", ".join(failures[:3]) if failures else _("全部%(n)s页") % {"n": len(pages)})
             for item, failures in _footer_items(footer_failures)]
    rows.append(Row(_("内容页显示发布/更新日期"), not undated, ", ".join(undated[:5]) or _("全部内容页"),
                    _("%(n)s页缺少日期") % {"n": len(undated)} if undated else ""))
    rows.append(Row(_("站点地图可访问"), bool(pages), "/sitemap.xml", _("%(n)s个地址") % {"n": len(pages)}))

    for target, referrer in sorted(links.items()):
        if target not in crawl.statuses:
            crawl.fetch(target)
    dead = [(t, r) for t, r in sorted(links.items()) if crawl.statuses[t] >= 400]
    rows.append(Row(_("内部链接可用"), not dead, "; ".join(f"{t}（{r}）" for t, r in dead[:5]) or _("全部%(n)s个") % {
        "n": len(links)}, _("%(n)s个链接打不开") % {"n": len(dead)} if dead else ""))

    broken = []
    for target, referrer in sorted(attachments.items()):
        response, body = crawl.fetch(target)
        if response.status_code != 200 or not body or response.get("Content-Type", "").startswith("text/html"):
            broken.append((target, referrer))
    rows.append(Row(_("附件可下载"), not broken, "; ".join(f"{t}（{r}）" for t, r in broken[:5]) or _("全部%(n)s个") % {
        "n": len(attachments)}, _("%(n)s个附件无法下载") % {"n": len(broken)} if broken else ""))

    slow = sorted(((p, s) for p, s in crawl.timings.items() if s > slow_seconds), key=lambda x: -x[1])
    slowest = max(crawl.timings.items(), key=lambda x: x[1], default=("", 0))
    rows.append(Row(_("页面打开时间"), not slow, ", ".join(f"{p}（{s:.1f}秒）" for p, s in slow[:5]) or slowest[0],
                    _("超过%(limit)s秒：%(n)s页；最慢%(max).2f秒") % {"limit": slow_seconds, "n": len(slow),
                                                               "max": slowest[1]}))
    rows.append(Row(_("留言办理（三个月内答复）"), True, "", _("本站尚无互动交流栏目，未检查")))
    return rows


def _footer_items(failures):
    names = [_("网站标识码"), _("ICP备案号及链接"), _("公安机关备案号及链接"), _("主办单位"), _("联系方式"), _("网站地图")]
    return [(_("页脚：") + name, failures.get(_("页脚：") + name, [])) for name in names]


# ---- the table ----

def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text, width):
    return text + " " * max(width - _width(text), 0)


def format_table(rows):
    header = (_("检查项"), _("结果"), _("页面"), _("说明"))
    cells = [(r.item, _("通过") if r.passed else _("不通过"), r.page, r.detail) for r in rows]
    widths = [max(_width(str(c[i])) for c in [header] + cells) for i in range(3)]
    lines = []
    for cell in [header] + cells:
        lines.append("  ".join(_pad(str(cell[i]), widths[i]) for i in range(3)) + "  " + str(cell[3]))
        if cell is header:
            lines.append("-" * (sum(widths) + 6 + 20))
    return "\n".join(lines)


def parse_day(value):
    return datetime.date.fromisoformat(value)
