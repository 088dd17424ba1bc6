from django.apps import apps
from django.test import SimpleTestCase


class HistoryModelNamesTests(SimpleTestCase):
    def test_every_history_model_has_a_chinese_name(self):
        history_models = [m for m in apps.get_models() if getattr(m, "instance_type", None) is not None]
        self.assertGreater(len(history_models), 10)
        for model in history_models:
            with self.subTest(model=model.__name__):
                name = str(model._meta.verbose_name_plural)
                self.assertTrue(name.endswith("变更记录"), name)
                self.assertNotIn("istorical", name)
