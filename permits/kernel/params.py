"""Query-string values read once, the same way on every page: a bad value is None, never a 500."""


def param_int(value, *, low=None, high=None, digits=9):
    """An int from ASCII digits only (str.isdigit() also accepts "²" and "①", which int() refuses),
    at most `digits` long and within [low, high]; None otherwise."""
    value = (value or "").strip()
    if not (value and len(value) <= digits and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def param_year(value):
    """A plausible year (four ASCII digits, 1990–2100), or None."""
    return param_int(value, low=1990, high=2100, digits=4)
