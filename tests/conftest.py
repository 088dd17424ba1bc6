import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache, so a page cached by one test never serves another."""
    cache.clear()
    yield

