"""Password rules: length, three of four character classes, no guessable (repetitive, common, keyboard,
personal) password, every message in Chinese; the change time is recorded for the 90-day rule."""
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c.isdigit()),
    ("特殊符号", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassesValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        held = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if held < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self):
        return self.get_error_message()


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("密码与用户名、姓名或邮箱过于相似。")

    def get_help_text(self):
        return _("密码不能与用户名、姓名或邮箱相似。")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("这是常见密码，容易被猜中。")

    def get_help_text(self):
        return _("不能使用常见密码。")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("密码不能全部是数字。")

    def get_help_text(self):
        return _("密码不能全部是数字。")


class GuessableValidator:
    """zxcvbn's estimate: refuses repeats (Aa1Aa1Aa1Aa1), dictionary words in disguise (Passw0rdPass),
    keyboard runs and dates, which length and character classes alone let through."""

    def __init__(self, min_score=3):
        self.min_score = min_score

    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        # zxcvbn's time grows with the length; the first 100 characters decide.
        if zxcvbn(password[:100])["score"] < self.min_score:
            raise ValidationError(
                _("密码容易被猜中（含有重复、连续、键盘顺序或常见单词的变形），请换一个更随机的密码。"),
                code="password_guessable",
            )

    def get_help_text(self):
        return _("密码不能由重复片段、连续字符、键盘顺序或常见单词（含字母数字替换）组成。")


class PasswordAgeRecorder:
    """Validates nothing; Django calls password_changed() after every saved password change."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from permits.models import StaffProfile

        StaffProfile.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now()})

    def get_help_text(self):
        return ""
