"""`check --deploy`: production needs its own keys for the personal data of messages."""
from django.conf import settings
from django.core import checks

DEV_KEY = "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJieXQ="


@checks.register(checks.Tags.security, deploy=True)
def personal_data_keys_check(app_configs, **kwargs):
    keys = list(getattr(settings, "PORTAL_PERSONAL_DATA_KEYS", ()))
    if not keys or DEV_KEY in keys:
        return [checks.Error("未设置留言个人信息的加密密钥（或仍在使用开发密钥）",
                             hint="设置环境变量 PORTAL_PERSONAL_DATA_KEYS（Fernet 密钥，逗号分隔，第一个用于加密）",
                             id="portal.E001")]
    try:
        from cryptography.fernet import Fernet

        for key in keys:
            Fernet(key)
    except ValueError:
        return [checks.Error("PORTAL_PERSONAL_DATA_KEYS 中有无效的 Fernet 密钥", id="portal.E002")]
    return []
