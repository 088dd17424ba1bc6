"""Simplified ↔ Traditional Chinese with OpenCC; each converter is built once per process."""
from functools import lru_cache


@lru_cache(maxsize=None)
def _converter(config):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text):
    """Traditional → Simplified, so 食品經營 finds 食品经营."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text):
    """Simplified → Traditional, for readers who ask for it (?zh=hant)."""
    return _converter("s2t").convert(text) if text else text


def percent_text(fraction, digits=1, *, empty=""):
    """0.7734 → "77.3%": the one way a share is written on every page, admin and report."""
    if fraction is None:
        return empty
    return f"{float(fraction) * 100:.{digits}f}%"
