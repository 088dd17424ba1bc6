import functools
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from permits.kernel.cache import versioned_read

from .models import SiteProfile
from .site_profile import placeholder_fields, police_record_url

NAV = [
    ("/", _("首页")),
    ("/permits/", _("行政许可事项")),
    ("/intermediaries/", _("中介服务")),
    ("/powers/", _("赋权目录")),
    ("/one-things/", _("高效办成一件事")),
    ("/reports/", _("法治政府建设报告")),
    ("/interact/", _("互动交流")),
]


def _with_param(request, key, value):
    params = request.GET.copy()
    params[key] = value
    return request.path + "?" + urlencode(sorted(params.lists()), doseq=True)


@functools.lru_cache(maxsize=16)
def _links(script_prefix, urlconf):
    """The fixed links of every page, reversed once per URL configuration rather than per request."""
    return {
        "site_map": reverse("portal:site_map", urlconf=urlconf),
        "open_data": reverse("permits:export", args=["csv"], urlconf=urlconf),
        "download": reverse("permits:export", args=["xlsx"], urlconf=urlconf),
        "changes": reverse("permits:changes", urlconf=urlconf),
    }


@versioned_read("site")
def _site_profile():
    return SiteProfile.current()


def site(request):
    """The site profile for every page footer (remembered until it is edited), and the page shell state."""
    if not hasattr(request, "_site_profile"):
        request._site_profile = _site_profile()
    script = getattr(request, "zh_script", "hans")
    care = getattr(request, "care_mode", False)
    path = request.path
    nav = [
        {"url": url, "label": label,
         "current": path == "/" if url == "/" else path.startswith(url)}
        for url, label in NAV
    ]
    profile = request._site_profile
    return {
        "site": profile,
        "site_examples": placeholder_fields(profile),
        "police_record_url": police_record_url(profile),
        # The care button's GET form keeps the page's other parameters.
        "care_keep": sorted((key, values) for key, values in request.GET.lists() if key != "care"),
        "zh_script": script,
        "html_lang": "zh-Hant" if script == "hant" else "zh-Hans",
        "zh_switch_url": _with_param(request, "zh", "hans" if script == "hant" else "hant"),
        "care_mode": care,
        "care_switch_url": _with_param(request, "care", "0" if care else "1"),
        "nav": nav,
        # Lazy: a page that shows none of them (or a URL configuration without them) never asks.
        "links": SimpleLazyObject(functools.partial(_links, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)),
    }
