"""The kernel's tables and abstract bases: editions, audit events, import logs, staff profiles."""
