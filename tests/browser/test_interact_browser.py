"""The message form on a 390 px phone, with JavaScript and without."""
import pytest

from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium 未安装（apt-get install chromium）"),
]


@pytest.fixture
def site(transactional_db):
    from tests.portal.catalogue_data import build_published_catalogue, site_profile

    site_profile()
    return build_published_catalogue()


def phone_page(browser, javascript):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  java_script_enabled=javascript, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_message_form_on_a_phone(browser, live_server, site, javascript):
    from portal.interact.models import Message

    context, page = phone_page(browser, javascript)
    try:
        code = site["guide"].code
        page.goto(f"{live_server.url}/interact/new/?kind=unresolved&service={code}")
        assert page.locator("input[type=radio][name=kind][value=unresolved]").is_checked()
        assert "12345" in page.inner_text(".interact-hotline")
        # Nothing wider than the phone's screen; the honeypot is out of sight.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.locator("input[name=website]").is_visible() or \
            page.locator("input[name=website]").bounding_box()["x"] < 0
        # A first try with a wrong phone number is refused with a Chinese message naming the field.
        page.fill("#id_title", "窗口说材料不全办不成")
        page.fill("#id_content", "已经按指南准备了全部材料，窗口仍说不全，无法受理。")
        page.fill("#id_name", "周小明")
        page.fill("#id_phone", "1234")
        page.check("#id_privacy")
        page.click("button:has-text('提交留言')")
        page.wait_for_selector("#form-errors")
        assert "手机号码" in page.inner_text("#form-errors")
        page.fill("#id_phone", "13912340000")
        if not page.locator("#id_privacy").is_checked():
            page.check("#id_privacy")
        page.click("button:has-text('提交留言')")
        page.wait_for_selector("[data-testid=tracking-code]")
        tracking = page.inner_text("[data-testid=tracking-code]")
        message = Message.objects.get()
        assert tracking == message.code
        assert message.kind == "unresolved" and message.service_code == code
        page.goto(f"{live_server.url}/interact/track/")
        page.fill("#id_code", tracking)
        page.fill("#id_last_four", "0000")
        page.click("button:has-text('查询')")
        assert page.inner_text("[data-testid=status]") == "待分派"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
