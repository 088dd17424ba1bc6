"""The permit catalogue importer: validation (importer) and bulk writing (writer)."""
from permits.catalogue.importing.importer import PermitImporter  # noqa: F401
