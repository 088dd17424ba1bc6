"""The permit catalogue 行政许可事项清单: items, sub-items, handling items and materials."""
