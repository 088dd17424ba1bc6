"""The reviewer's pages (issue 14, points 2, 3 and 7): the whole diff of a submitted draft, the publish
confirmation with counts and warnings, four eyes whatever the path, and the copy form."""
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from permits.kernel.access import roles
from permits.kernel.lifecycle import edition_copy, edition_publish, edition_submit
from permits.models import AuditEvent, EditionStatus, HandlingItem, Material, PermitCatalogue
from tests.permits.review_data import build_pair, review_staff
from tests.portal.factories import make_staff


def url(name, edition):
    return reverse(f"admin:permits_permitcatalogue_{name}", args=[edition.pk])


class ReviewAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()
        review_staff(cls)

    def status(self):
        return PermitCatalogue.objects.get(pk=self.draft.pk).status

    def test_review_page_shows_every_level_old_to_new(self):
        edition_submit(self.draft, user=self.editor)
        self.client.force_login(self.reviewer)
        response = self.client.get(url("review", self.draft))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        # Every level, every changed field old → new (the admin page shows all fields, not only the public ones).
        for old, new in (("3", "2"), ("原件", "电子件"), ("《药品管理法》", "《中华人民共和国药品管理法》")):
            self.assertInHTML(f'<td class="diff-old"><del>{old}</del></td>', html)
            self.assertInHTML(f'<td class="diff-new"><ins>{new}</ins></td>', html)
        self.assertInHTML('<tr data-level="item"><th scope="row">事项</th><td class="diff-add">1</td>'
                          '<td class="diff-remove">1</td><td class="diff-change">1</td></tr>', html)
        self.assertInHTML('<tr data-level="sub"><th scope="row">子项</th><td class="diff-add">1</td>'
                          '<td class="diff-remove">2</td><td class="diff-change">0</td></tr>', html)
        self.assertInHTML('<tr data-level="handling"><th scope="row">业务办理项</th><td class="diff-add">1</td>'
                          '<td class="diff-remove">0</td><td class="diff-change">1</td></tr>', html)
        self.assertInHTML('<tr data-level="material"><th scope="row">申请材料</th><td class="diff-add">1</td>'
                          '<td class="diff-remove">0</td><td class="diff-change">1</td></tr>', html)
        # Grouped by department, each with its count.
        self.assertEqual([g for g, _rows in response.context["diff"].groups],
                         ["新余市住房和城乡建设局", "新余市市场监督管理局"])
        self.assertContains(response, url("publish", self.draft))

    def test_review_page_query_count_is_constant(self):
        edition_submit(self.draft, user=self.editor)
        self.client.force_login(self.reviewer)
        self.client.get(url("review", self.draft))
        cache.clear()
        with self.assertNumQueries(self.REVIEW_QUERIES):
            self.client.get(url("review", self.draft))

    # Session, user, staff profile, permissions (2), groups, the edition, the published one, 8 for the diff
    # (4 levels × 2 editions), the site profile (whether one exists, then the row) and the submitter.
    REVIEW_QUERIES = 19

    def test_confirmation_repeats_counts_and_lists_warnings(self):
        edition_submit(self.draft, user=self.editor)
        self.client.force_login(self.reviewer)
        response = self.client.get(url("publish", self.draft))
        self.assertEqual(response.status_code, 200)
        self.assertInHTML('<tr data-level="handling"><th>业务办理项</th><td>1</td><td>0</td><td>1</td></tr>',
                          response.content.decode())
        warnings = [str(w) for w in response.context["warnings"]]
        self.assertEqual(warnings, ["2 个业务办理项没有申请材料：00000000002101、00000000004101"])
        self.assertContains(response, "了解以上提醒，确认发布")
        response = self.client.post(url("publish", self.draft), follow=True)
        self.assertEqual(self.status(), EditionStatus.PUBLISHED)
        self.assertContains(response, "已发布")

    def test_every_warning(self):
        HandlingItem.objects.filter(edition=self.draft, code="00000000001101").update(promised_days=30,
                                                                                     statutory_days=15)
        HandlingItem.objects.filter(edition=self.draft, code="00000000002101").update(place="")
        self.draft.items.filter(code="00000000004Y").update(legal_basis="")
        PermitCatalogue.objects.filter(pk=self.draft.pk).update(title=self.published.title)
        self.draft.refresh_from_db()
        edition_submit(self.draft, user=self.editor)
        self.client.force_login(self.reviewer)
        response = self.client.get(url("publish", self.draft))
        self.assertEqual([str(w) for w in response.context["warnings"]], [
            "1 个事项没有填写设定和实施依据：00000000004Y",
            "2 个业务办理项没有申请材料：00000000002101、00000000004101",
            "1 个业务办理项的承诺办结时限超过法定办结时限：00000000001101",
            "1 个业务办理项没有填写办理地点：00000000002101",
            "标题《新余市行政许可事项清单（2023年版）》与现行发布版本相同，请确认是否需要修改标题。",
        ])
        # Warnings do not block: the reviewer publishes over them.
        self.client.post(url("publish", self.draft))
        self.assertEqual(self.status(), EditionStatus.PUBLISHED)

    def test_four_eyes_last_editor_in_the_admin(self):
        # The department editor changes a material in the admin: they are the draft's last editor.
        material = Material.objects.get(handling_item__edition=self.draft, name="营业执照")
        self.client.force_login(self.editor)
        response = self.client.post(reverse("admin:permits_material_change", args=[material.pk]), {
            "handling_item": material.handling_item_id, "seq": 1, "name": "营业执照", "required": "on",
            "form": "复印件", "copies": 2, "source": "", "notes": ""})
        self.assertEqual(response.status_code, 302)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.last_edited_by, self.editor)
        # The reviewer edits the title and submits; neither may the reviewer publish it.
        self.client.force_login(self.reviewer)
        response = self.client.post(reverse("admin:permits_permitcatalogue_change", args=[self.draft.pk]), {
            "title": "新余市行政许可事项清单（2024年版）", "edition": "2024年版", "basis": ""})
        self.assertEqual(response.status_code, 302)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.last_edited_by, self.reviewer)
        edition_submit(self.draft, user=self.reviewer2)
        for user in (self.reviewer, self.reviewer2):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(url("publish", self.draft))
                self.assertContains(response, "四眼原则")
                self.assertNotContains(response, '<input type="submit"')
                self.client.post(url("publish", self.draft))
                self.assertEqual(self.status(), EditionStatus.SUBMITTED)
        third = make_staff("reviewer3", roles.REVIEWER)
        self.client.force_login(third)
        self.client.post(url("publish", self.draft))
        self.assertEqual(self.status(), EditionStatus.PUBLISHED)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.PUBLISH, username="reviewer3").exists())

    @override_settings(PORTAL_FOUR_EYES=False)
    def test_one_person_office(self):
        edition_submit(self.draft, user=self.reviewer)
        self.client.force_login(self.reviewer)
        self.client.post(url("publish", self.draft))
        self.assertEqual(self.status(), EditionStatus.PUBLISHED)

    def test_only_submitted_drafts_are_published_and_only_by_reviewers(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(url("publish", self.draft))
        self.assertContains(response, "不能发布")
        self.client.post(url("publish", self.draft))
        self.assertEqual(self.status(), EditionStatus.DRAFT)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(url("publish", self.draft)).status_code, 403)
        self.assertEqual(self.client.get(url("review", self.draft)).status_code, 200)  # editors see the diff
        self.assertEqual(self.client.get(
            reverse("admin:permits_permitcatalogue_review", args=[99999])).status_code, 404)

    def test_copy_asks_for_title_and_label(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(url("copy", self.published))
        self.assertContains(response, "新草稿的版本")
        response = self.client.post(url("copy", self.published), {"title": "", "edition": ""})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(PermitCatalogue.objects.count(), 2)
        response = self.client.post(url("copy", self.published), {
            "title": "新余市行政许可事项清单（2025年版）", "edition": "2025年版"})
        new = PermitCatalogue.objects.latest("pk")
        self.assertRedirects(response, reverse("admin:permits_permitcatalogue_change", args=[new.pk]))
        self.assertEqual((new.title, new.edition, new.status, new.last_edited_by),
                         ("新余市行政许可事项清单（2025年版）", "2025年版", EditionStatus.DRAFT, self.reviewer))


class CopyTitleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()

    def test_nothing_is_appended(self):
        again = edition_copy(self.published)
        twice = edition_copy(again)
        self.assertEqual((again.title, twice.title), ("新余市行政许可事项清单（2023年版）",) * 2)
        self.assertNotIn("修订稿", again.title + twice.title)

    def test_publish_without_user_is_allowed(self):
        # System paths (seed_demo) publish without a user: four eyes concerns people.
        edition_publish(self.draft)
        self.assertEqual(PermitCatalogue.objects.get(pk=self.draft.pk).status, EditionStatus.PUBLISHED)
