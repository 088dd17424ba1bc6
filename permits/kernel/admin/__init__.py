"""What every edition admin shares: scoped admin, lifecycle actions, import pages, import logs."""
