"""The edition lock holds on every path, on SQLite and PostgreSQL alike (run the suite on both).

The models refuse with EditionLocked; what skips the models (bulk writes, a queryset's base class, raw
SQL) is refused by the database triggers of permits.kernel.lock."""
from django.db import DatabaseError, connection, models, transaction
from django.test import TestCase

from permits.kernel.lifecycle import edition_publish
from permits.kernel.lock import edition_lock_lifted
from permits.kernel.models.editions import EditionLocked
from permits.models import EditionStatus, HandlingItem, Material, PermitCatalogue, PermitItem
from tests.factories import MaterialFactory, PermitCatalogueFactory, build_catalogue
from tests.intermediaries.factories import IntermediaryServiceFactory
from tests.permits.factories_powers import DelegatedPowerFactory

LOCKED = "EDITION_LOCKED"


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class LockCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)
        edition_publish(cls.edition)
        cls.handling = HandlingItem.objects.get(edition=cls.edition)
        cls.item = PermitItem.objects.get(edition=cls.edition)
        cls.material = Material.objects.get(handling_item=cls.handling)

    def assertRefusedByDatabase(self, write):
        with self.assertRaises(DatabaseError) as caught, transaction.atomic():
            write()
        self.assertIn(LOCKED, str(caught.exception))

    def place(self):
        return HandlingItem.objects.get(pk=self.handling.pk).place


class ModelPathTests(LockCase):
    def test_save(self):
        self.handling.place = "改动"
        with self.assertRaises(EditionLocked):
            self.handling.save()

    def test_delete(self):
        with self.assertRaises(EditionLocked):
            self.material.delete()

    def test_queryset_update(self):
        with self.assertRaises(EditionLocked):
            HandlingItem.objects.filter(pk=self.handling.pk).update(place="改动")

    def test_queryset_delete(self):
        with self.assertRaises(EditionLocked):
            Material.objects.filter(pk=self.material.pk).delete()

    def test_bulk_create(self):
        with self.assertRaises(EditionLocked):
            Material.objects.bulk_create([Material(handling_item=self.handling, name="新材料")])
        self.assertEqual(Material.objects.filter(handling_item=self.handling).count(), 1)

    def test_bulk_update(self):
        self.handling.place = "改动"
        with self.assertRaises(EditionLocked):
            HandlingItem.objects.bulk_update([self.handling], ["place"])
        self.assertNotEqual(self.place(), "改动")

    def test_edition_bulk_update(self):
        self.edition.title = "改动"
        with self.assertRaises(EditionLocked):
            PermitCatalogue.objects.bulk_update([self.edition], ["title"])


class DatabasePathTests(LockCase):
    """Each write below skips the models' checks; the database refuses it."""

    def test_queryset_update_past_the_model(self):
        queryset = HandlingItem.objects.filter(pk=self.handling.pk)
        self.assertRefusedByDatabase(lambda: models.QuerySet.update(queryset, place="改动"))

    def test_queryset_delete_past_the_model(self):
        queryset = Material.objects.filter(pk=self.material.pk)
        self.assertRefusedByDatabase(lambda: models.QuerySet.delete(queryset))

    def test_bulk_create_past_the_model(self):
        queryset = Material.objects.all()
        self.assertRefusedByDatabase(
            lambda: models.QuerySet.bulk_create(queryset, [Material(handling_item=self.handling, name="新材料")]))

    def test_bulk_update_past_the_model(self):
        self.handling.place = "改动"
        plain = models.QuerySet(model=HandlingItem)  # a queryset without the edition checks
        self.assertRefusedByDatabase(lambda: plain.bulk_update([self.handling], ["place"]))

    def test_raw_update(self):
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_handlingitem SET place = %s WHERE id = %s",
                                                 ["改动", self.handling.pk]))
        self.assertNotEqual(self.place(), "改动")

    def test_raw_insert_and_delete_of_a_material(self):
        self.assertRefusedByDatabase(lambda: raw(
            "INSERT INTO permits_material (handling_item_id, seq, name, required, form, copies, source, notes) "
            "VALUES (%s, 9, '新材料', true, '原件', 1, '', '')", [self.handling.pk]))
        self.assertRefusedByDatabase(lambda: raw("DELETE FROM permits_material WHERE id = %s", [self.material.pk]))

    def test_raw_update_of_the_edition_row(self):
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_permitcatalogue SET title = 'x' WHERE id = %s",
                                                 [self.edition.pk]))

    def test_raw_delete_of_the_edition_row(self):
        self.assertRefusedByDatabase(lambda: raw("DELETE FROM permits_permitcatalogue WHERE id = %s",
                                                 [self.edition.pk]))

    def test_a_child_cannot_move_out_of_a_locked_edition(self):
        draft = PermitCatalogueFactory(region=self.edition.region)
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_permititem SET edition_id = %s WHERE id = %s",
                                                 [draft.pk, self.item.pk]))

    def test_other_catalogues_are_locked_too(self):
        power = DelegatedPowerFactory()
        edition_publish(power.edition)
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_delegatedpower SET name = 'x' WHERE id = %s",
                                                 [power.pk]))
        service = IntermediaryServiceFactory()
        service.permit_items.add(self.item)
        edition_publish(service.edition)
        self.assertRefusedByDatabase(lambda: raw("UPDATE intermediaries_intermediaryservice SET name = 'x' "
                                                 "WHERE id = %s", [service.pk]))
        self.assertRefusedByDatabase(lambda: raw(
            "DELETE FROM intermediaries_intermediaryservice_permit_items WHERE intermediaryservice_id = %s",
            [service.pk]))


class TransitionTests(LockCase):
    """Status moves the database allows: draft/submitted → published, published → archived, nothing else."""

    def status(self, edition):
        return PermitCatalogue._base_manager.filter(pk=edition.pk).values_list("status", flat=True).get()

    def test_published_cannot_go_back_to_draft(self):
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_permitcatalogue SET status = 'draft' WHERE id = %s",
                                                 [self.edition.pk]))

    def test_a_draft_cannot_jump_to_archived(self):
        draft = PermitCatalogueFactory(region=self.edition.region)
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_permitcatalogue SET status = 'archived' "
                                                 "WHERE id = %s", [draft.pk]))

    def test_publishing_the_next_edition_archives_this_one(self):
        newer = build_catalogue(items=1, subs=1, handlings=1, edition=PermitCatalogueFactory(
            region=self.edition.region, title="新版"))
        edition_publish(newer)
        self.assertEqual((self.status(self.edition), self.status(newer)),
                         (EditionStatus.ARCHIVED, EditionStatus.PUBLISHED))
        # Archived is as locked as published.
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_handlingitem SET place = 'x' WHERE id = %s",
                                                 [self.handling.pk]))

    def test_draft_rows_stay_writable(self):
        draft = build_catalogue(items=1, subs=1, handlings=1)
        handling = HandlingItem.objects.get(edition=draft)
        raw("UPDATE permits_handlingitem SET place = 'x' WHERE id = %s", [handling.pk])
        MaterialFactory(handling_item=handling)
        raw("UPDATE permits_permitcatalogue SET status = 'submitted' WHERE id = %s", [draft.pk])
        self.assertEqual(HandlingItem.objects.get(pk=handling.pk).place, "x")

    def test_lifting_the_lock_is_explicit_and_ends_with_its_transaction(self):
        with edition_lock_lifted():
            raw("UPDATE permits_handlingitem SET place = %s WHERE id = %s", ["恢复", self.handling.pk])
        self.assertEqual(self.place(), "恢复")
        self.assertRefusedByDatabase(lambda: raw("UPDATE permits_handlingitem SET place = 'x' WHERE id = %s",
                                                 [self.handling.pk]))

