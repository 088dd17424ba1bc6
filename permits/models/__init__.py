from .catalogue import (  # noqa: F401
    HandlingItem, Level, Material, OnlineDepth, PermitCatalogue, PermitItem, Situation, SubItem,
)
from .editions import (  # noqa: F401
    EDITABLE_STATUSES, LOCKED_STATUSES, Edition, EditionChild, EditionChildQuerySet, EditionLocked,
    EditionQuerySet, EditionStatus,
)
from .onething import OneThing  # noqa: F401
from .powers import (  # noqa: F401
    DelegatedPower, DemonstrationSite, ObservationPoint, PowerCatalogue, PowerMode, PowerType,
)
from .regions import Department, Region  # noqa: F401
from .imports import ImportLog  # noqa: F401
from .staff import StaffProfile  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .search import PermitSearchText  # noqa: F401
from .jobs import BackgroundJob  # noqa: F401
