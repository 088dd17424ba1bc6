"""Roles, department scope and the audit trail."""
