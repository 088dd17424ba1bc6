"""Spreadsheet import machinery shared by every catalogue (permits, intermediaries, powers)."""
