"""Public views: catalogue."""
