"""A draft printed from the browser carries 草稿 on every page; a published one does not (Debian's chromium)."""
import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop in this thread

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium 未安装（apt-get install chromium）"),
]


def printed_pages(live_server, session, path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN")
            if session:
                context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.goto(live_server.url + path)
            pdf = page.pdf(format="A4")
        finally:
            browser.close()
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_draft_printed_from_the_browser_is_marked_on_every_page(live_server, transactional_db, client):
    from reports.models import ReportSection
    from tests.reports.base import make_user
    from tests.reports.factories import build_2024

    data = build_2024()
    for section in ReportSection.objects.filter(report=data["report"]).exclude(body=""):
        section.body += "持续优化政务服务，为经济社会高质量发展提供有力法治保障。" * 12
        section.save()
    client.force_login(make_user("staff"))
    pages = printed_pages(live_server, client.cookies["sessionid"].value, "/reports/2024/")
    assert len(pages) >= 2
    for text in pages:
        assert "草稿" in text.replace(" ", "")
