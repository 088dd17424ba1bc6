"""What the delegated-power catalogues register with the kernel (called from PermitsConfig.ready())."""
from permits.kernel.access.roles import catalogue_roles_register
from permits.kernel.registry import cache_namespace_register, edition_hooks_register


def register():
    from permits.kernel.diff import rows_diff
    from permits.models import DelegatedPower
    from permits.powers.services import power_catalogue_copy_children

    edition_hooks_register(
        "permits.powercatalogue", copy=power_catalogue_copy_children, kind="powers",
        diff=rows_diff("power", "赋权事项", DelegatedPower,
                       ("name", "department__name", "power_type", "mode", "remarks")),
    )
    cache_namespace_register(
        "powers", editions=("permits.powercatalogue",),
        watch=("permits.observationpoint", "permits.demonstrationsite"),
    )
    catalogue_roles_register("permits.powercatalogue", rows=("permits.delegatedpower",))
