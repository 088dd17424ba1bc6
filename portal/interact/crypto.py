"""Personal data at rest: Fernet fields (django-fernet-encrypted-fields) keyed from the environment.

PORTAL_PERSONAL_DATA_KEYS holds one or more Fernet keys separated by commas; the first encrypts,
all decrypt (rotation). Only DEBUG falls back to a fixed development key.
"""
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from encrypted_fields.fields import EncryptedCharField


def personal_data_keys():
    keys = list(getattr(settings, "PORTAL_PERSONAL_DATA_KEYS", ()))
    if not keys:
        raise ImproperlyConfigured("生产环境必须设置环境变量 PORTAL_PERSONAL_DATA_KEYS（Fernet 密钥）")
    return [key.encode("ascii") if isinstance(key, str) else key for key in keys]


class PersonalCharField(EncryptedCharField):
    """The library's field with our keys instead of ones derived from SECRET_KEY (random in DEBUG)."""

    # Read on each use (Fernet keys need no derivation): rotating keys takes effect without a restart.
    @property
    def keys(self):
        return personal_data_keys()

    @property
    def f(self):
        return MultiFernet([Fernet(key) for key in self.keys])


def digest(value):
    """A keyed hash for look-ups (duplicates, rate limits) without storing the value in clear."""
    key = personal_data_keys()[0]
    return hmac.new(key, (value or "").encode("utf-8"), hashlib.sha256).hexdigest()
