"""axe-core and HTML_CodeSniffer on every public page type, the 适老化 (care) mode and layout stability, in Debian's chromium."""
import pytest

from tests.browser.axe import AXE_JS, HTMLCS_JS, axe_violations, htmlcs_errors
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium 未安装（apt-get install chromium）"),
    pytest.mark.skipif(not (AXE_JS.exists() and HTMLCS_JS.exists()),
                       reason="axe-core 未安装（make test 会在 tests/browser 执行 npm ci）"),
]

# The three reading modes the issue names; each query also resets the other preference.
MODES = {"normal": "care=0&zh=hans", "care": "care=1&zh=hans", "traditional": "care=0&zh=hant"}
WIDTHS = (390, 1280)


@pytest.fixture
def site(sections):
    """A path of every public page type, the error page last."""
    from permits.models import HandlingItem, PermitItem
    from permits.catalogue.selectors.catalogue import published_permit_catalogue

    edition = published_permit_catalogue()
    item = PermitItem.objects.filter(edition=edition).order_by("seq").first()
    guide = HandlingItem.objects.filter(edition=edition).order_by("pk").first()
    service = sections["intermediary"].services.order_by("seq").first()
    bundle = sections["measured"][0]
    return ["/", "/permits/", "/permits/?q=许可", f"/permits/{item.code}/", f"/permits/guide/{guide.code}/",
            "/permits/changes/", "/intermediaries/", f"/intermediaries/{service.pk}/", "/powers/",
            f"/powers/{sections['zone'].pk}/", "/one-things/", f"/one-things/{bundle.pk}/", "/reports/",
            "/reports/2024/", "/sitemap/", "/no-such-page/"]


def _context(browser, width):
    return browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")


def _url(live_server, path, query):
    return f"{live_server.url}{path}{'&' if '?' in path else '?'}{query}"


def test_no_axe_or_htmlcs_violations_on_any_page_width_or_mode(browser, live_server, site):
    found = []
    for width in WIDTHS:
        for mode, query in MODES.items():
            context = _context(browser, width)
            page = context.new_page()
            try:
                for path in site:
                    page.goto(_url(live_server, path, query))
                    # Care mode promises 7:1 (WCAG AAA 1.4.6), not only 4.5:1.
                    for rule, impact, nodes in axe_violations(page, enhanced_contrast=mode == "care"):
                        found.append(f"{width}px {mode} {path}: {rule} ({impact}) {nodes}")
                    # pa11y's second engine: HTML_CodeSniffer, WCAG2AA errors.
                    for code, where, message in htmlcs_errors(page):
                        found.append(f"{width}px {mode} {path}: HTMLCS {code} {where} {message}")
            finally:
                context.close()
    assert found == []


def test_admin_login_has_no_axe_violations(browser, live_server, transactional_db):
    context = _context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/login/")
        assert axe_violations(page) == []
        # The admin has its own favicon, not a 404.
        icon = page.get_attribute("link[rel=icon]", "href")
        assert page.request.get(live_server.url + icon).status == 200
    finally:
        context.close()


# Records what the page asks the browser's speech synthesis to say, then lets it speak.
SPEECH_RECORDER = """
window.__spoken = [];
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); return speak(utterance); };
}
"""


def test_care_mode_follows_the_ageing_friendly_spec(browser, live_server, site):
    context = _context(browser, 1280)
    context.add_init_script(SPEECH_RECORDER)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        entry = page.locator("[data-testid=care-switch]")
        assert entry.get_attribute("aria-pressed") == "false"
        assert page.locator("[data-read-aloud]").count() == 0  # read-aloud is a care-mode control
        normal_box = entry.bounding_box()
        entry.click()
        page.wait_for_load_state()
        assert page.locator("body.care").count() == 1
        positions = []
        for path in site[:-1]:
            page.goto(live_server.url + path)  # no ?care=: the cookie remembers it
            assert page.locator("body.care").count() == 1, path
            entry = page.locator("[data-testid=care-switch]")
            assert entry.get_attribute("aria-pressed") == "true", path
            box = entry.bounding_box()
            positions.append((round(box["x"]), round(box["y"])))
            style = page.evaluate("""() => {
                const s = getComputedStyle(document.querySelector('main p, main li, main td') || document.body);
                const b = getComputedStyle(document.body);
                return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
                        cursor: b.cursor};
            }""")
            assert style["size"] >= 24, f"{path}: body text {style['size']}px < 18pt"
            assert style["line"] >= 1.5, f"{path}: line height {style['line']}"
            assert "cursor-large.svg" in style["cursor"], path
            # Nothing floats or moves; secondary blocks are hidden.
            moving = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(el => {
                const s = getComputedStyle(el);
                return ['fixed', 'sticky'].includes(s.position)
                    || (s.animationName !== 'none' && s.animationDuration !== '0s')
                    || parseFloat(s.transitionDuration) > 0;
            }).map(el => el.tagName + '.' + el.className)""")
            assert moving == [], f"{path}: {moving}"
            assert page.locator(".secondary:visible").count() == 0, path
        # The same entry, in the same place at the top right, on every page.
        assert len(set(positions)) == 1, positions
        x, y = positions[0]
        assert y < 60 and x > 1280 / 2
        assert abs(normal_box["y"] - y) < 5

        # Read-aloud: off by default, reads the main content when pressed and then what gets focus.
        page.goto(live_server.url + site[3])
        read = page.locator("[data-read-aloud]")
        assert read.is_visible() and read.is_enabled()
        assert read.get_attribute("aria-pressed") == "false"
        assert page.evaluate("window.__spoken") == []
        read.click()
        assert read.get_attribute("aria-pressed") == "true"
        heading = page.inner_text("main h1")
        assert heading in page.evaluate("window.__spoken")[-1]
        page.focus("main a >> nth=0")
        link_text = page.inner_text("main a >> nth=0").strip()
        assert page.evaluate("window.__spoken")[-1] == link_text
        # Remembered on the next page; pressing again stops it.
        page.goto(live_server.url + "/permits/")
        read = page.locator("[data-read-aloud]")
        assert read.get_attribute("aria-pressed") == "true"
        read.click()
        assert read.get_attribute("aria-pressed") == "false"
        count = len(page.evaluate("window.__spoken"))
        page.focus("main a >> nth=0")
        assert len(page.evaluate("window.__spoken")) == count

        # Leaving care mode keeps the page's other parameters.
        page.goto(live_server.url + "/permits/?q=许可")
        page.click("[data-testid=care-switch]")
        page.wait_for_url("**care=0**")
        assert "q=" in page.url and page.locator("body.care").count() == 0
    finally:
        context.close()


CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { window.__cls += entry.value; } }
}).observe({type: 'layout-shift', buffered: true});
"""


def test_no_layout_shift_on_phone(browser, live_server, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=3,
                                  is_mobile=True, has_touch=True)
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    try:
        shifts = {}
        for query in ("care=0", "care=1"):
            for path in site:
                page.goto(_url(live_server, path, query), wait_until="load")
                page.wait_for_timeout(300)
                shifts[f"{path} {query}"] = page.evaluate("window.__cls")
        assert {key: value for key, value in shifts.items() if value > 0} == {}
    finally:
        context.close()
