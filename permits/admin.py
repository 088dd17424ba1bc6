"""Admin of the ground floor: each package registers its own pages."""
from permits.catalogue import admin as catalogue_admin  # noqa: F401
from permits.kernel.admin import imports  # noqa: F401
from permits.onething import admin as onething_admin  # noqa: F401
from permits.powers import admin as powers_admin  # noqa: F401
from permits.regions import admin as regions_admin  # noqa: F401
