"""Two reviewers publish two drafts of one region at the same time (issue 14, point 9): on PostgreSQL, with
two real connections, the loser gets a clear Chinese message from the service, the admin and the command."""
import threading
import time
import unittest

from django.db import connection, connections, transaction
from django.test import Client, TransactionTestCase
from django.urls import reverse

from permits.kernel.access import roles
from permits.kernel.lifecycle import edition_copy, edition_publish, edition_submit
from permits.models import EditionStatus, PermitCatalogue
from tests.factories import PermitCatalogueFactory, PermitItemFactory
from tests.permits.command_helpers import run
from tests.portal.factories import make_staff

RACE_MESSAGE = "同一区划的另一版清单刚刚由他人发布或正在发布"


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL row locks and two real connections")
class ConcurrentPublishTests(TransactionTestCase):
    def setUp(self):
        self.editor = make_staff("editor", roles.REVIEWER)
        self.first_reviewer = make_staff("reviewer", roles.REVIEWER)
        self.second_reviewer = make_staff("reviewer2", roles.REVIEWER)
        published = PermitCatalogueFactory()
        PermitItemFactory(edition=published)
        edition_publish(published)
        self.published = published
        self.first = edition_copy(published, title="草稿甲", user=self.editor)
        self.second = edition_copy(published, title="草稿乙", user=self.editor)
        for draft in (self.first, self.second):
            edition_submit(draft, user=self.editor)

    def race(self, loser):
        """The first reviewer publishes `first` and holds its transaction open while `loser()` runs in
        another thread (and so another connection); then commits. Returns what loser() returned."""
        holding, result = threading.Event(), {}

        def lose():
            holding.wait(10)
            try:
                result["value"] = loser()
            except Exception as error:  # noqa: BLE001 - the test reports what the loser saw
                result["error"] = error
            finally:
                connections.close_all()

        thread = threading.Thread(target=lose)
        thread.start()
        with transaction.atomic():
            edition_publish(PermitCatalogue.objects.get(pk=self.first.pk), user=self.first_reviewer)
            holding.set()
            time.sleep(1.0)  # the loser is now waiting on the row lock of the edition being archived
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(PermitCatalogue.objects.get(pk=self.first.pk).status, EditionStatus.PUBLISHED)
        self.assertEqual(PermitCatalogue.objects.get(pk=self.second.pk).status, EditionStatus.SUBMITTED)
        self.assertEqual(PermitCatalogue.objects.filter(status=EditionStatus.PUBLISHED).count(), 1)
        return result

    def test_service_raises_a_validation_error(self):
        def loser():
            edition_publish(PermitCatalogue.objects.get(pk=self.second.pk), user=self.second_reviewer)
        result = self.race(loser)
        self.assertEqual(type(result.get("error")).__name__, "ValidationError")
        self.assertIn(RACE_MESSAGE, result["error"].messages[0])

    def test_command_exits_non_zero_with_the_message(self):
        result = self.race(lambda: run("edition", "publish", "permits", str(self.second.pk), "--user", "reviewer2"))
        code, _out, err = result["value"]
        self.assertEqual(code, 1)
        self.assertIn(RACE_MESSAGE, err)

    def test_admin_shows_the_message(self):
        def loser():
            client = Client()
            client.force_login(self.second_reviewer)
            return client.post(reverse("admin:permits_permitcatalogue_publish", args=[self.second.pk]))
        response = self.race(loser)["value"]
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, RACE_MESSAGE)
