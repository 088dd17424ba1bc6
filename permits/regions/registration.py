"""Regions and departments appear in every public page's shell (called from PermitsConfig.ready())."""
from permits.kernel.registry import SITE_NAMESPACE, cache_namespace_register


def register():
    cache_namespace_register(SITE_NAMESPACE, watch=("permits.region", "permits.department"))
