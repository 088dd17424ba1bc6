"""The intermediary list goes through the same review page, confirmation and command as the permit
catalogue (issue 14, points 3 and 8): the kernel's diff with the list's one level of rows."""
from django.test import TestCase
from django.urls import reverse

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.kernel.access import roles
from permits.kernel.lifecycle import edition_copy, edition_submit
from permits.models import EditionStatus
from tests.intermediaries.factories import published_list
from tests.permits.command_helpers import run
from tests.portal.factories import make_staff


class IntermediaryReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published = published_list(services=2)
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)
        cls.reviewer2 = make_staff("reviewer2", roles.REVIEWER)
        cls.draft = edition_copy(cls.published, title="中介服务事项清单（2025年版）", edition_label="2025年版",
                                 user=cls.reviewer)
        service = IntermediaryService.objects.filter(edition=cls.draft).order_by("seq", "pk").first()
        cls.service_name = service.name
        IntermediaryService.objects.filter(pk=service.pk).update(time_limit="10个工作日")
        edition_submit(cls.draft, user=cls.reviewer)

    def test_review_page_shows_old_to_new(self):
        self.client.force_login(self.reviewer2)
        response = self.client.get(reverse("admin:intermediaries_intermediarylist_review", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.service_name)
        self.assertInHTML('<td class="diff-new"><ins>10个工作日</ins></td>', response.content.decode())
        self.assertEqual(response.context["diff"].counts["service"]["changed"], 1)

    def test_command_publish_with_four_eyes(self):
        code, _out, err = run("edition", "publish", "intermediaries", str(self.draft.pk), "--user", "reviewer")
        self.assertEqual(code, 1)
        self.assertIn("四眼原则", err)
        code, _out, err = run("edition", "publish", "intermediaries", str(self.draft.pk), "--user", "reviewer2")
        self.assertEqual(code, 0, err)
        self.assertEqual(IntermediaryList.objects.get(pk=self.draft.pk).status, EditionStatus.PUBLISHED)
