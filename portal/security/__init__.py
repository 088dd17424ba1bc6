"""Sign-in, sessions, roles and faults: the security layer of the portal (issue 7)."""
