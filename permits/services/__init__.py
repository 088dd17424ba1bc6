"""Writes. Views, admin actions, importers and commands all call these."""
