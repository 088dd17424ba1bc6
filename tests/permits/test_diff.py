from django.test import SimpleTestCase

from permits.kernel.diff import catalogue_diff, normalise_name


def row(name, code="", **extra):
    return {"name": name, "code": code, **extra}


class NormaliseNameTests(SimpleTestCase):
    def test_equal_forms(self):
        pairs = [
            ("建设工程（消防）验收", "建设工程(消防)验收"),
            ("建设工程【消防】验收", "建设工程(消防)验收"),
            ("建设工程〔消防〕验收", "建设工程（消防）验收"),
            ("ＡＢＣ１２３许可", "ABC123许可"),
            ("abc许可", "ＡＢＣ许可"),
            ("企业 投资 项目", "企业投资项目"),
            ("企业\u3000投资项目", "企业投资项目"),
            ("“双随机”检查", "\"双随机\"检查"),
            ("「双随机」检查", "双随机检查"),
            ("  前后空格  ", "前后空格"),
        ]
        for a, b in pairs:
            with self.subTest(a=a, b=b):
                self.assertEqual(normalise_name(a), normalise_name(b))

    def test_different_names_stay_different(self):
        self.assertNotEqual(normalise_name("二级建造师注册"), normalise_name("一级建造师注册"))
        self.assertNotEqual(normalise_name("事项(一)"), normalise_name("事项(二)"))

    def test_none_and_empty(self):
        self.assertEqual(normalise_name(None), "")
        self.assertEqual(normalise_name(""), "")


class CatalogueDiffTests(SimpleTestCase):
    def test_counts_add_up(self):
        old = [row("甲", "A"), row("乙", "B"), row("丙", "C")]
        new = [row("甲", "A"), row("丁", "D")]
        diff = catalogue_diff(old, new)
        self.assertEqual([r["name"] for r in diff.added], ["丁"])
        self.assertEqual([r["name"] for r in diff.removed], ["乙", "丙"])
        self.assertEqual(diff.counts, {"added": 1, "removed": 2, "kept": 1, "changed": 0})

    def test_width_and_brackets_match_by_name(self):
        old = [row("企业投资项目（第１类）备案"), row("【特种】设备\u3000登记")]
        new = [row("企业投资项目(第1类)备案", "X1"), row("(特种)设备 登记", "X2")]
        diff = catalogue_diff(old, new)
        self.assertEqual(diff.counts["kept"], 2)
        self.assertEqual(diff.added, [])
        self.assertEqual(diff.removed, [])

    def test_inner_spaces_ignored(self):
        diff = catalogue_diff([row("食品 经营 许可")], [row("食品经营许可")])
        self.assertEqual(len(diff.kept), 1)

    def test_code_match_beats_name_match(self):
        # The new row named like old "甲" carries the code of old "乙": the code decides.
        old = [row("甲", "A"), row("乙", "B")]
        new = [row("甲", "B")]
        diff = catalogue_diff(old, new, compare=("name",))
        self.assertEqual(len(diff.changed), 1)
        old_row, new_row, fields = diff.changed[0]
        self.assertEqual(old_row["code"], "B")
        self.assertEqual(fields, ["name"])
        self.assertEqual([r["code"] for r in diff.removed], ["A"])

    def test_code_match_wins_even_when_a_name_match_comes_first(self):
        # The first new row would take old "甲" by name, but the second new row holds 甲's code.
        old = [row("甲", "A")]
        new = [row("甲", "Z"), row("甲改", "A")]
        diff = catalogue_diff(old, new)
        self.assertEqual(len(diff.kept), 1)
        self.assertEqual(diff.kept[0][1]["name"], "甲改")
        self.assertEqual([r["code"] for r in diff.added], ["Z"])

    def test_renamed_with_same_code_is_kept_and_changed(self):
        old = [row("建筑工程施工许可证核发", "A")]
        new = [row("建筑工程施工许可", "A")]
        diff = catalogue_diff(old, new, compare=("name",))
        self.assertEqual(diff.counts, {"added": 0, "removed": 0, "kept": 1, "changed": 1})
        self.assertEqual(diff.changed[0][2], ["name"])

    def test_name_change_only_in_form_is_not_a_change(self):
        diff = catalogue_diff([row("甲（一）", "A")], [row("甲(一)", "A")], compare=("name",))
        self.assertEqual(len(diff.kept), 1)
        self.assertEqual(diff.changed, [])

    def test_compared_field_change(self):
        diff = catalogue_diff([row("甲", "A", mode="委托")], [row("甲", "A", mode="直接行使")], compare=("mode",))
        self.assertEqual(diff.changed[0][2], ["mode"])

    def test_duplicate_names_pair_one_to_one(self):
        old = [row("变更登记"), row("变更登记")]
        new = [row("变更登记"), row("变更登记"), row("变更登记")]
        diff = catalogue_diff(old, new)
        self.assertEqual(diff.counts["kept"], 2)
        self.assertEqual(len(diff.added), 1)
        self.assertEqual(diff.removed, [])
        kept_old = {id(o) for o, _ in diff.kept}
        self.assertEqual(len(kept_old), 2)

    def test_duplicate_names_one_removed(self):
        old = [row("变更登记"), row("变更登记")]
        diff = catalogue_diff(old, [row("变更登记")])
        self.assertEqual(len(diff.kept), 1)
        self.assertEqual(len(diff.removed), 1)

    def test_empty_codes_never_match_each_other(self):
        old = [row("甲", ""), row("乙", None)]
        new = [row("丙", ""), row("丁", None)]
        diff = catalogue_diff(old, new)
        self.assertEqual(diff.counts, {"added": 2, "removed": 2, "kept": 0, "changed": 0})

    def test_codes_compare_in_half_width_and_any_case(self):
        diff = catalogue_diff([row("甲", "ab01")], [row("乙", "ＡＢ０１")])
        self.assertEqual(diff.counts["kept"], 1)

    def test_retained_in_new_order(self):
        old = [row("甲", "A"), row("乙", "B", mode="委托")]
        new = [row("乙", "B", mode="直报"), row("甲", "A")]
        diff = catalogue_diff(old, new, compare=("mode",))
        self.assertEqual([n["code"] for _, n, _ in diff.retained], ["B", "A"])
        self.assertEqual(diff.retained[0][2], ["mode"])

    def test_objects_as_well_as_dicts(self):
        class Obj:
            def __init__(self, name, code):
                self.name, self.code = name, code

        diff = catalogue_diff([Obj("甲", "A")], [Obj("甲", "A"), Obj("乙", "")])
        self.assertEqual(diff.counts, {"added": 1, "removed": 0, "kept": 1, "changed": 0})
