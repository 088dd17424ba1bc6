import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from permits.models import EditionLocked, EditionStatus, HandlingItem, Material, PermitItem, SubItem
from permits.kernel.lifecycle import edition_copy, edition_publish, edition_send_back, edition_submit
from tests.factories import PermitCatalogueFactory, PermitItemFactory, SubItemFactory, build_catalogue


class CodeConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)
        cls.item = PermitItem.objects.get(edition=cls.edition)

    def test_item_code_must_be_11_digits_and_Y(self):
        for bad in ["0001642130Y", "00016421300X", "0001642130AY"]:
            with self.subTest(code=bad), self.assertRaises(IntegrityError), transaction.atomic():
                PermitItemFactory(edition=self.edition, code=bad, department=self.item.department)

    def test_sub_item_code_must_start_with_item_code(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            SubItem.objects.create(edition=self.edition, item=self.item, code="999999999991", name="x")

    def test_handling_code_must_extend_sub_item_code(self):
        sub = SubItem.objects.get(item=self.item)
        with self.assertRaises(IntegrityError), transaction.atomic():
            HandlingItem.objects.create(edition=self.edition, sub_item=sub, code=self.item.code[:11] + "901", name="x")
        with self.assertRaises(IntegrityError), transaction.atomic():
            HandlingItem.objects.create(edition=self.edition, sub_item=sub, code="99999999999901", name="x")

    def test_codes_unique_within_edition(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            PermitItemFactory(edition=self.edition, code=self.item.code, department=self.item.department)
        other = PermitCatalogueFactory(region=self.edition.region)
        PermitItemFactory(edition=other, code=self.item.code, department=self.item.department)


class LifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = build_catalogue(items=2, subs=2, handlings=1)
        edition_publish(cls.old)

    def test_publish_archives_previous_in_one_step(self):
        new = edition_copy(self.old, title="新版")
        self.assertEqual(new.status, EditionStatus.DRAFT)
        edition_publish(new)
        self.old.refresh_from_db()
        self.assertEqual(self.old.status, EditionStatus.ARCHIVED)
        self.assertEqual(new.status, EditionStatus.PUBLISHED)
        self.assertIsNotNone(new.published_on)

    def test_copy_copies_everything_below(self):
        new = edition_copy(self.old)
        self.assertEqual(new.items.count(), 2)
        self.assertEqual(new.sub_items.count(), 4)
        self.assertEqual(new.handling_items.count(), 4)
        self.assertEqual(Material.objects.filter(handling_item__edition=new).count(), 4)
        self.assertEqual(
            sorted(new.handling_items.values_list("code", flat=True)),
            sorted(self.old.handling_items.values_list("code", flat=True)),
        )
        self.assertEqual(new.copied_from, self.old)

    def test_published_edition_cannot_change_by_any_path(self):
        item = self.old.items.first()
        item.name = "改名"
        with self.assertRaises(EditionLocked):
            item.save()
        with self.assertRaises(EditionLocked):
            PermitItem.objects.filter(edition=self.old).update(name="x")
        with self.assertRaises(EditionLocked):
            SubItem.objects.filter(edition=self.old).delete()
        with self.assertRaises(EditionLocked):
            Material.objects.filter(handling_item__edition=self.old).update(name="x")
        with self.assertRaises(EditionLocked):
            Material.objects.filter(handling_item__edition=self.old).first().delete()
        with self.assertRaises(EditionLocked):
            SubItemFactory(item=item, seq=7)
        self.old.title = "改标题"
        with self.assertRaises(EditionLocked):
            self.old.save()
        with self.assertRaises(EditionLocked):
            self.old.delete()
        self.assertEqual(PermitItem.objects.get(pk=item.pk).name, self.old.items.get(pk=item.pk).name)

    def test_submit_and_send_back(self):
        draft = edition_copy(self.old)
        edition_submit(draft)
        self.assertEqual(draft.status, EditionStatus.SUBMITTED)
        with pytest.raises(ValidationError):
            edition_send_back(draft, comment="")
        edition_send_back(draft, comment="请补充依据")
        self.assertEqual(draft.status, EditionStatus.DRAFT)
        self.assertEqual(draft.review_comment, "请补充依据")

    def test_cannot_publish_twice(self):
        with self.assertRaises(ValidationError):
            edition_publish(self.old)
