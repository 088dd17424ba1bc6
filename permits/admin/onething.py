"""Admin: onething."""
