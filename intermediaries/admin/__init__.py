"""Admin of the intermediary service lists: lifecycle actions, import with preview, exports."""
from . import lists, services  # noqa: F401
