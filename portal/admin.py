"""Admin of the top floor: 互动交流 and 好差评 (portal.interact.admin)."""
from portal.interact import admin  # noqa: F401
