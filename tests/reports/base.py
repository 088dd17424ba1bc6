"""Shared test helpers: a private media folder per test, users, PDF text."""
import io
import re
import shutil
import tempfile

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import override_settings
from pypdf import PdfReader

from permits.kernel.access.roles import REPORT_EDITOR, REVIEWER


class PrivateMediaMixin:
    """Each test writes PDFs into its own MEDIA_ROOT so cached files never leak between tests."""

    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="reports-test-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.addCleanup(override.disable)
        cache.clear()


def make_user(username, *, staff=True, roles=()):
    user = User.objects.create_user(username, password="x-Test-Pass-2024", is_staff=staff)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def reviewer():
    return make_user("reviewer", roles=(REVIEWER,))


def editor():
    return make_user("editor", roles=(REPORT_EDITOR,))


def pdf_text(data):
    """The text of every page without its "— N —" page number (which may sit mid-sentence)."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(re.sub(r"—\s*\d+\s*—", "", page.extract_text() or "") for page in reader.pages)


def compact(text):
    """Extracted text without whitespace, since lines wrap anywhere in CJK prose."""
    return "".join(text.split())
