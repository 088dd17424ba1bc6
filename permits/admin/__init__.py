"""Admin for the ground floor, one module per catalogue."""
from . import catalogue, imports, onething, powers, regions  # noqa: F401
