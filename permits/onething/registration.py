"""What the one-thing bundles register with the kernel (called from PermitsConfig.ready())."""
from permits.kernel.access.roles import DEPARTMENT_EDITOR, VIEW, role_rules_register
from permits.kernel.registry import cache_namespace_register


def register():
    cache_namespace_register("onethings", watch=("permits.onething",))
    role_rules_register(DEPARTMENT_EDITOR, ("permits.onething",), VIEW)
