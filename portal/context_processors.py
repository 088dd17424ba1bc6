from .models import SiteProfile


def site(request):
    """The site profile for every page footer (one query, cached per request)."""
    if not hasattr(request, "_site_profile"):
        request._site_profile = SiteProfile.current()
    return {"site": request._site_profile}
