"""Real-browser checks of the citizen portal: Debian's chromium driven by Playwright (never downloaded)."""
import pytest

from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium 未安装（apt-get install chromium）"),
]


@pytest.fixture
def catalogue(transactional_db):
    from tests.portal.catalogue_data import build_published_catalogue, site_profile

    site_profile()
    return build_published_catalogue(extra=25)


def new_page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_search_open_item_guide_and_switch_script(browser, live_server, catalogue):
    context, page = new_page(browser)
    try:
        page.goto(live_server.url + "/")
        page.fill("#home-q", "食品")
        page.press("#home-q", "Enter")
        page.wait_for_url("**/permits/?q=*")
        results = page.locator(".result h2 a")
        assert "食品经营许可" in results.all_inner_texts()
        page.get_by_role("link", name="食品经营许可", exact=True).click()
        page.wait_for_url("**/permits/00016421300Y/")
        assert page.inner_text("h1") == "食品经营许可"
        page.click("a:has-text('查看指南') >> nth=0")
        page.wait_for_url("**/permits/guide/**")
        assert page.inner_text("h1") == catalogue["guide"].name
        assert page.locator("table.materials tbody tr").count() == 3

        page.click("[data-testid=zh-switch]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "zh-Hant"
        assert "食品經營許可" in page.inner_text("h1")
        # Remembered: another page is Traditional too.
        page.goto(live_server.url + "/permits/")
        assert page.get_attribute("html", "lang") == "zh-Hant"
        assert "行政許可事項" in page.inner_text("h1")
        page.click("[data-testid=zh-switch]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "zh-Hans"
        assert "行政许可事项" in page.inner_text("h1")
    finally:
        context.close()


def test_traditional_query_typed_in_list(browser, live_server, catalogue):
    context, page = new_page(browser)
    try:
        page.goto(live_server.url + "/permits/")
        page.fill("#list-q", "食品經營")
        page.press("#list-q", "Enter")
        page.wait_for_url("**q=*")
        assert page.locator(".result").count() == 1
        page.click("[data-filter=situation] >> nth=0")
        page.wait_for_load_state()
        assert "situation=" in page.url and "q=" in page.url
    finally:
        context.close()


def test_phone_viewport_has_no_horizontal_scroll(browser, live_server, catalogue):
    context, page = new_page(browser, 390, 844)
    guide = f"/permits/guide/{catalogue['guide'].code}/"
    try:
        for care in ("0", "1"):
            for path in ["/", "/permits/", "/permits/?q=食品", "/permits/00016421300Y/", guide,
                         "/permits/changes/", "/sitemap/"]:
                page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}care={care}")
                width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert width <= inner, f"{path} (care={care}): scrollWidth {width} > {inner}"
                # The stylesheet really applied (system CJK font, header colour).
                assert page.evaluate("getComputedStyle(document.querySelector('.main-nav')).display") != "inline"
    finally:
        context.close()


def test_phone_viewport_other_sections_have_no_horizontal_scroll(browser, live_server, sections):
    context, page = new_page(browser, 390, 844)
    service = sections["intermediary"].services.order_by("seq").first()
    paths = ["/intermediaries/", f"/intermediaries/{service.pk}/", "/powers/", f"/powers/{sections['zone'].pk}/",
             "/one-things/", "/reports/", "/reports/2024/"]
    try:
        for query in ("care=0", "care=1", "care=0&zh=hant"):
            for path in paths:
                page.goto(f"{live_server.url}{path}?{query}")
                width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert width <= inner, f"{path} ({query}): scrollWidth {width} > {inner}"
                # Every page sits in the shell's container, with <li> breadcrumbs.
                assert page.locator("main .container").count() >= 1, path
                assert page.locator(".breadcrumbs ol > li").count() >= 2, path
        # The stand-alone error page fits a phone too.
        assert page.goto(f"{live_server.url}/reports/2099/").status == 404
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The report reads as a document: PDF button above the sheet, chart as wide as the column allows.
        page.goto(f"{live_server.url}/reports/2024/?care=0")
        buttons = page.locator(".page-actions a.btn")
        assert [buttons.nth(i).get_attribute("href") for i in range(buttons.count())] == [
            "/reports/2024.pdf", "/reports/2024.docx", "/reports/2024.ofd"]
        button = buttons.first
        sheet = page.locator(".report-sheet").bounding_box()
        assert button.bounding_box()["y"] < sheet["y"]
        chart = page.locator("figure.chart svg").first.bounding_box()
        assert chart["width"] >= sheet["width"] - 2 * 20 - 1
    finally:
        context.close()


def test_keyboard_skip_link_and_focus(browser, live_server, catalogue):
    context, page = new_page(browser)
    try:
        page.goto(live_server.url + "/permits/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # visible on focus
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        # Search is reachable and usable from the keyboard.
        page.focus("#site-q")
        page.keyboard.type("建筑")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=*")
        assert page.locator(".result").count() == 1
    finally:
        context.close()


def test_guide_prints_without_site_chrome(browser, live_server, catalogue):
    context, page = new_page(browser)
    try:
        page.goto(f"{live_server.url}/permits/guide/{catalogue['guide'].code}/")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.main-nav')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('[data-print]').closest('.detail-actions')).display") == "none"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()
