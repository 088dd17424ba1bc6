"""Reader preferences: Traditional characters (?zh=hant) and care mode (?care=1), kept in cookies.

Traditional pages are converted once per response with OpenCC, interface and data alike.
"""
from django.conf import settings
from django.utils.cache import patch_vary_headers

from permits.kernel.chinese import to_traditional

SCRIPT_COOKIE = "zh"
CARE_COOKIE = "care"
COOKIE_AGE = 365 * 24 * 3600
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")


class ReaderPreferenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zh_param = request.GET.get("zh")
        care_param = request.GET.get("care")
        script = zh_param if zh_param in ("hans", "hant") else request.COOKIES.get(SCRIPT_COOKIE)
        request.zh_script = "hant" if script == "hant" else "hans"
        care = care_param if care_param in ("0", "1") else request.COOKIES.get(CARE_COOKIE)
        request.care_mode = care == "1"

        response = self.get_response(request)

        if zh_param == "hant":
            response.set_cookie(SCRIPT_COOKIE, "hant", max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                                secure=settings.SESSION_COOKIE_SECURE)
        elif zh_param == "hans":
            response.delete_cookie(SCRIPT_COOKIE, samesite="Lax")
        if care_param == "1":
            response.set_cookie(CARE_COOKIE, "1", max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                                secure=settings.SESSION_COOKIE_SECURE)
        elif care_param == "0":
            response.delete_cookie(CARE_COOKIE, samesite="Lax")
        if request.path.startswith(SKIP_PREFIXES):
            return response
        patch_vary_headers(response, ("Cookie",))
        if request.zh_script == "hant":
            self.convert(response)
        return response

    @staticmethod
    def convert(response):
        content_type = response.get("Content-Type", "")
        if (
            getattr(response, "streaming", False)
            or not content_type.startswith("text/html")
            or response.status_code == 304
            or response.has_header("Content-Encoding")
        ):
            return
        charset = response.charset or "utf-8"
        text = response.content.decode(charset, errors="replace")
        response.content = to_traditional(text).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
