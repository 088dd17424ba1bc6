"""What the permit catalogue registers with the kernel (called from PermitsConfig.ready())."""
from permits.kernel.access.roles import catalogue_roles_register
from permits.kernel.registry import cache_namespace_register, edition_hooks_register


def register():
    from permits.catalogue.services.editions import permit_catalogue_copy_children
    from permits.catalogue.services.open_data import open_data_build_start
    from permits.catalogue.selectors.changes import permit_catalogue_diff
    from permits.catalogue.selectors.warnings import permit_catalogue_warnings
    from permits.catalogue.services.search import permit_search_index

    edition_hooks_register(
        "permits.permitcatalogue", copy=permit_catalogue_copy_children,
        prepare_publish=permit_search_index, after_publish=open_data_build_start,
        warnings=permit_catalogue_warnings, diff=permit_catalogue_diff,
        kind="permits",
    )
    cache_namespace_register("permits", editions=("permits.permitcatalogue",))
    catalogue_roles_register(
        "permits.permitcatalogue",
        rows=("permits.permititem", "permits.subitem", "permits.handlingitem", "permits.material"),
    )
