"""Run axe-core (from the npm package installed by the Makefile, never a CDN) in a Playwright page."""
import functools
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
HTMLCS_JS = Path(__file__).resolve().parent / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
# WCAG 2.1 A/AA plus axe's best practices (heading order, one landmark of a kind, ...).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               # Experimental in axe, but the assessors' tools report it: a visible label left out of the name.
               "rules": {"label-content-name-mismatch": {"enabled": True}},
               "resultTypes": ["violations"]}
IMPACTS = ("moderate", "serious", "critical")


@functools.lru_cache(maxsize=2)
def _source(path):
    return path.read_text(encoding="utf-8")


def axe_violations(page, impacts=IMPACTS, enhanced_contrast=False):
    """The violations on the page as (rule id, impact, first offending selectors), worst first.

    enhanced_contrast adds WCAG AAA 1.4.6 (7:1), the contrast the 适老化 mode promises.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not block.
        page.evaluate(_source(AXE_JS) + "\n;true")
    options = AXE_OPTIONS
    if enhanced_contrast:
        options = {**AXE_OPTIONS, "rules": {**AXE_OPTIONS["rules"], "color-contrast-enhanced": {"enabled": True}}}
    result = page.evaluate("options => axe.run(document, options)", options)
    found = [(v["id"], v["impact"], [" ".join(map(str, n["target"])) for n in v["nodes"][:3]])
             for v in result["violations"] if v["impact"] in impacts]
    return sorted(found, key=lambda v: -IMPACTS.index(v[1]))


def htmlcs_errors(page):
    """HTML_CodeSniffer's WCAG2AA errors (what pa11y reports as errors) as (code, selector, message)."""
    if not page.evaluate("typeof window.HTMLCS !== 'undefined'"):
        page.evaluate(_source(HTMLCS_JS) + "\n;true")
    return page.evaluate("""() => new Promise(resolve => HTMLCS.process('WCAG2AA', document, () => resolve(
        HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR).map(m => [
            m.code, m.element.id ? '#' + m.element.id : m.element.tagName.toLowerCase()
                + (m.element.className && typeof m.element.className === 'string' ? '.' + m.element.className.split(' ')[0] : ''),
            m.msg.slice(0, 120)])
    ), () => resolve([['HTMLCS failed to run', '', '']])))""")
