"""Admin: powers."""
