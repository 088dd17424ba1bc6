"""高效办成一件事 bundles."""
