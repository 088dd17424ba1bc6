"""The permit catalogue importer: validation (importer) and bulk writing (writer)."""
from .importer import PermitImporter  # noqa: F401
