"""Background jobs on django-tasks: one job per key, heartbeats, take-over of a dead worker."""
