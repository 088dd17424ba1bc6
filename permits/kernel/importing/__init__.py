"""Spreadsheet import machinery shared by every catalogue."""
