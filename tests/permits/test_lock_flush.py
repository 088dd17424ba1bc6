"""A TransactionTestCase may leave a published edition behind: the flush after it still empties the tables."""
from django.test import TransactionTestCase

from permits.kernel.lifecycle import edition_publish
from permits.models import PermitCatalogue, PermitItem
from tests.factories import build_catalogue


class PublishedEditionLeftBehindTests(TransactionTestCase):
    def test_publishes_and_leaves_the_edition(self):
        edition_publish(build_catalogue(items=1, subs=1, handlings=1))
        self.assertEqual(PermitCatalogue.objects.published().count(), 1)

    def test_the_next_test_starts_empty(self):
        edition_publish(build_catalogue(items=1, subs=1, handlings=1))
        self.assertEqual(PermitItem.objects.count(), 1)
