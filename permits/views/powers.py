"""Public views: powers."""
