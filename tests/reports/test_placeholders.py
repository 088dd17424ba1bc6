from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from reports.figures import format_value
from reports.forms import ReportSectionForm
from reports.placeholders import placeholders_in, render_inline, validate_placeholders

FIGURES = {
    "permit_items": {"label": "行政许可事项数", "value": 3, "text": "3", "url": "/permits/", "kind": "count"},
    "one_things_reduction": {"label": "压减率", "value": 0.7712, "text": "77.1%", "url": "/one-things/",
                             "kind": "percent"},
    "law_meetings": {"label": "法治专题会议次数", "value": None, "text": None, "url": "", "kind": "count"},
}


class PlaceholderTests(SimpleTestCase):
    def test_parse(self):
        self.assertEqual(placeholders_in("共{permit_items}项，{one_things_reduction:over}"),
                         [("permit_items", None), ("one_things_reduction", "over")])

    def test_unknown_key_suggests_the_closest_names(self):
        with self.assertRaises(ValidationError) as caught:
            validate_placeholders("共{permit_itemz}项")
        message = " ".join(caught.exception.messages)
        self.assertIn("{permit_itemz}", message)
        self.assertIn("最接近的名称：行政许可事项数（permit_items）", message)
        self.assertNotIn("open_day_representatives", message)  # not every name, only the close ones

    def test_unknown_chinese_name_suggests_the_closest_names(self):
        with self.assertRaises(ValidationError) as caught:
            validate_placeholders("共{许可子项}项")
        self.assertIn("行政许可子项数（permit_sub_items）", " ".join(caught.exception.messages))

    def test_chinese_names_stand_for_their_keys(self):
        self.assertEqual(placeholders_in("共{许可事项数}项，{行政许可事项数}项，压减{“一件事”综合平均压减率:over}"),
                         [("permit_items", None), ("permit_items", None), ("one_things_reduction", "over")])
        self.assertEqual(placeholders_in("{一件事综合平均压减率}"), [("one_things_reduction", None)])
        validate_placeholders("共{许可事项数}项，子项{行政许可子项数}项，{法治专题会议次数}次")
        self.assertEqual(render_inline("共{许可事项数}项", FIGURES, links=False),
                         '共<span class="figure" data-figure="permit_items">3</span>项')

    def test_unknown_format(self):
        with self.assertRaises(ValidationError) as caught:
            validate_placeholders("{permit_items:under}")
        self.assertIn("under", " ".join(caught.exception.messages))

    def test_known_keys_pass(self):
        validate_placeholders("共{permit_items}项，压减{one_things_reduction:over}，{study_events}次")

    def test_render_links_figure_to_backing_page(self):
        html = render_inline("共{permit_items}项", FIGURES)
        self.assertInHTML('<a class="figure" data-figure="permit_items" href="/permits/" title="行政许可事项数">3</a>',
                          html)

    def test_over_format(self):
        self.assertIn(">超过77%<", render_inline("{one_things_reduction:over}", FIGURES))
        self.assertEqual(format_value(0.77, "percent", "over"), "77%")
        self.assertEqual(format_value(0.7799, "percent", "over"), "超过77%")

    def test_missing_figure_marker(self):
        html = render_inline("召开{law_meetings}次", FIGURES)
        self.assertIn("「数据缺失：法治专题会议次数」", html)

    def test_staff_text_is_escaped_and_never_run(self):
        text = "<script>alert(1)</script>{{ settings.SECRET_KEY }}{% now 'Y' %}{permit_items}"
        html = render_inline(text, FIGURES)
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("{{ settings.SECRET_KEY }}", html)
        self.assertIn("{% now &#x27;Y&#x27; %}", html)
        self.assertIn(">3</a>", html)

    def test_figure_values_are_escaped(self):
        figures = {"permit_catalogue_title": {"label": "名称", "value": "<b>x</b>", "text": "<b>x</b>",
                                              "url": "/permits/", "kind": "text"}}
        self.assertIn("&lt;b&gt;x&lt;/b&gt;", render_inline("{permit_catalogue_title}", figures))


class SectionFormTests(TestCase):
    def test_form_rejects_unknown_name_with_the_closest(self):
        form = ReportSectionForm(data={"order": 1, "level": 3, "heading": "标题", "body": "共{许可事项}项"})
        self.assertFalse(form.is_valid())
        self.assertIn("{许可事项}", str(form.errors["body"]))
        self.assertIn("permit_items", str(form.errors["body"]))

    def test_form_accepts_known_keys(self):
        form = ReportSectionForm(data={"order": 1, "level": 3, "heading": "标题", "body": "共{permit_items}项"})
        self.assertTrue(form.is_valid(), form.errors)
