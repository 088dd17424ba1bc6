"""Debian's chromium driven by Playwright (never downloaded), shared by the browser tests."""
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain setup.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sections(transactional_db):
    """Intermediaries, a delegated-powers catalogue, one-things and a published 2024 report."""
    from tests.portal.site_data import build_public_site

    return build_public_site()
