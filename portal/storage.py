"""Static files storage for production: WhiteNoise's hashed, compressed files, URLs remembered."""
import functools

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """The manifest is read once and never changes while the process runs, and every page asks for
    the same few files: each name's URL is worked out once instead of on every {% static %}."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._remembered_url = functools.lru_cache(maxsize=512)(super().url)

    def url(self, name, force=False):
        return self._remembered_url(name, force)
