"""Admin: regions."""
