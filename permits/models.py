"""Every table of the ground floor, gathered where Django looks for them; each lives in its package."""
from permits.kernel.models.editions import (  # noqa: F401
    EDITABLE_STATUSES, LOCKED_STATUSES, Edition, EditionChild, EditionChildQuerySet, EditionLocked,
    EditionQuerySet, EditionStatus,
)
from permits.regions.models import Department, Region  # noqa: F401
from permits.kernel.models.imports import ImportLog  # noqa: F401
from permits.kernel.models.jobs import BackgroundJob  # noqa: F401
from permits.kernel.models.staff import StaffProfile  # noqa: F401
from permits.kernel.models.audit import AuditEvent  # noqa: F401
from permits.catalogue.models import (  # noqa: F401
    HandlingItem, Level, Material, OnlineDepth, PermitCatalogue, PermitItem, Situation, SubItem,
)
from permits.catalogue.search_models import PermitSearchText  # noqa: F401
from permits.powers.models import (  # noqa: F401
    DelegatedPower, DemonstrationSite, ObservationPoint, PowerCatalogue, PowerMode, PowerType,
)
from permits.onething.models import OneThing  # noqa: F401
