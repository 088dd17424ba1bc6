"""Admin: catalogue."""
