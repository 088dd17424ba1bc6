"""Public views: onething."""
