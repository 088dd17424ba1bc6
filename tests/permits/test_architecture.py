"""The floors and the kernel, read from the source: imports only go down, the kernel names no
catalogue, and no model reaches for a service (not even through a lazy import in a method)."""
import ast
import re
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["permits", "intermediaries", "reports", "portal"]  # bottom to top

# What each floor may not name, in code, strings or comments (migrations: in imports only); from
# DESIGN.md. ("PORTAL_" settings are the project's prefix, not the top floor.)
FORBIDDEN = {
    "permits": ("intermediar", "reports.", "reports/", '"reports"', "portal.", "portal/", '"portal"',
                "annualreport", "siteprofile", "annual report"),
    "intermediaries": ("reports.", "reports/", '"reports"', "portal.", "portal/", '"portal"'),
    "reports": ("portal.", "portal/", '"portal"'),
}
KERNEL_FORBIDDEN = (
    "permits.catalogue", "permits.powers", "permits.onething", "PermitItem", "PermitCatalogue", "SubItem",
    "HandlingItem", "Material", "DelegatedPower", "PowerCatalogue", "OneThing", "permititem",
    "handlingitem", "delegatedpower", "intermediar", "powercatalogue",
)


def sources(package, *, migrations=False):
    for path in sorted((ROOT / package).rglob("*.py")):
        if not migrations and "migrations" in path.parts:
            continue
        yield path


def imported_modules(path):
    """Every module an file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"


class FloorTests(SimpleTestCase):
    def test_a_lower_floor_names_no_higher_one(self):
        offences = []
        for floor, words in FORBIDDEN.items():
            higher = FLOORS[FLOORS.index(floor) + 1:]
            for path in sources(floor):
                text = path.read_text(encoding="utf-8").lower()
                offences += [f"{path.relative_to(ROOT)}: {w}" for w in words if w in text]
            for path in sources(floor, migrations=True):
                offences += [f"{path.relative_to(ROOT)} imports {m}" for m in imported_modules(path)
                             if m.split(".")[0] in higher]
        self.assertEqual(offences, [])

    def test_the_kernel_names_no_catalogue(self):
        offences = []
        for path in sources("permits/kernel"):
            text = path.read_text(encoding="utf-8")
            offences += [f"{path.relative_to(ROOT)}: {w}" for w in KERNEL_FORBIDDEN if w in text]
        self.assertEqual(offences, [])

    def test_no_model_module_imports_a_service_or_selector(self):
        model_files = [p for floor in FLOORS for p in sources(floor) if p.name == "models.py"
                       or "models" in p.relative_to(ROOT).parts[:-1]]
        self.assertGreater(len(model_files), 8)
        offences = []
        for path in model_files:
            for module in imported_modules(path):
                if re.search(r"\b(services|selectors|views|admin|forms|importing)\b", module):
                    offences.append(f"{path.relative_to(ROOT)} imports {module}")
        self.assertEqual(offences, [])

    def test_the_import_scanner_sees_lazy_imports(self):
        path = ROOT / "tests" / "permits" / "test_architecture.py"
        modules = set(imported_modules(path))
        self.assertTrue({"ast", "re", "pathlib.Path", "django.test.SimpleTestCase"} <= modules)
        self.assertIn("reports.figures", modules)
        if False:  # never runs; shows that an import inside a block is found too
            import reports.figures  # noqa: F401


class QueryParameterTests(SimpleTestCase):
    def test_param_int_takes_only_ascii_digits_in_range(self):
        from permits.kernel.params import param_int, param_year

        cases = [  # (value, kwargs, expected) — written from the rule, not the code
            ("12", {}, 12), (" 7 ", {}, 7), ("²", {}, None), ("①", {}, None), ("٣", {}, None),
            ("9" * 4400, {}, None), ("-1", {}, None), ("1e3", {}, None), ("", {}, None), (None, {}, None),
            ("5", {"low": 6}, None), ("2024", {"high": 2023}, None),
        ]
        for value, kwargs, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(param_int(value, **kwargs), expected)
        self.assertEqual([param_year(v) for v in ("2024", "1989", "20245", "２０２４")], [2024, None, None, None])
