"""Public pages of 互动交流 and 好差评: list, form, tracking, one reply, statistics, rating."""
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from permits.kernel.params import param_int

from . import selectors as sel
from .abuse import BROWSER_COOKIE, browser_token, over_limit
from .forms import DIMENSIONS, MessageForm, RatingForm, TrackForm
from .models import Message, Rating
from .services import AlreadyRated, DuplicateMessage, WorkflowError, message_submit, rating_submit

PAGE_SIZE = 20


def too_many(request, what):
    response = render(request, "portal/interact/too_many.html", {"what": what}, status=429)
    response["Retry-After"] = "3600"
    return response


def _kind(value):
    return value if value in Message.Kind.values else ""


@require_safe
def message_list(request):
    q = request.GET.get("q", "").strip()[:50]
    kind = _kind(request.GET.get("kind", ""))
    department = param_int(request.GET.get("department"))
    page = Paginator(sel.public_messages(q=q, kind=kind, department=department), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "portal/interact/messages.html", {
        "page": page, "q": q, "kind": kind, "department": department, "kinds": Message.Kind.choices,
        "departments": sel.reply_departments(),
    })


@require_safe
def message_detail(request, code):
    message = sel.public_message(code.upper()) if len(code) <= 12 and code.isalnum() else None
    if message is None:
        raise Http404(_("没有找到该公开答复（未公开或查询码不正确）。"))
    return render(request, "portal/interact/message.html", {"message": message})


@require_http_methods(["GET", "HEAD", "POST"])
def message_new(request):
    service = sel.find_service(request.GET.get("service") or request.POST.get("service", ""))
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_bot():
            return render(request, "portal/interact/message_new.html",
                          {"form": MessageForm(), "service": service, "rejected": True}, status=400)
        if form.is_valid():
            data = form.cleaned_data
            if over_limit(request, "message", phone=data["phone"]):
                return too_many(request, _("提交留言"))
            try:
                message = message_submit(
                    kind=data["kind"], title=data["title"], content=data["content"], name=data["name"],
                    phone=data["phone"], publish_ok=data["publish_ok"],
                    service_code=service[0] if service else "", service_name=service[1] if service else "",
                    department=None,
                )
            except DuplicateMessage as duplicate:
                form.add_error(None, str(duplicate))
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "portal/interact/message_sent.html", {"message": message})
        status = 400
    else:
        kind = _kind(request.GET.get("kind", ""))
        form = MessageForm(initial={"kind": kind or None, "service": service[0] if service else "",
                                    "publish_ok": True})
        status = 200
    return render(request, "portal/interact/message_new.html", {
        "form": form, "service": service, "deadlines": settings.PORTAL_INTERACT_DEADLINES,
        "retention_years": settings.PORTAL_INTERACT_RETENTION_YEARS,
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def message_track(request):
    message, status = None, 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            if over_limit(request, "track", rate=settings.PORTAL_INTERACT_TRACK_RATE):
                return too_many(request, _("查询留言"))
            message = sel.tracked_message(form.cleaned_data["code"], form.cleaned_data["last_four"])
            if message is None:
                form.add_error(None, _("查询码或手机号码后四位不正确，请核对后再试。"))
                status = 404
        else:
            status = 400
    else:
        form = TrackForm()
    return render(request, "portal/interact/track.html", {"form": form, "message": message}, status=status)


@require_safe
def message_stats(request):
    year = param_int(request.GET.get("year"), low=2000, high=2100, digits=4)
    stats = sel.message_stats(year)
    return render(request, "portal/interact/stats.html", {"stats": stats, "year": year,
                                                          "this_year": timezone.localdate().year})


def _rating_context(service, form):
    return {"service": service, "form": form, "levels": Rating.Level.choices, "dimensions": DIMENSIONS}


# The rating form sits on cached public pages, which carry no CSRF token. An anonymous rating changes
# nobody's account; it is bounded by the browser cookie, the per-address rate limit and the honeypot.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request):
    service = sel.find_service(request.GET.get("service") or request.POST.get("service", ""))
    if service is None:
        raise Http404(_("没有找到被评价的服务。"))
    if request.method != "POST":
        return render(request, "portal/interact/rate.html", _rating_context(service, RatingForm(
            initial={"service": service[0]})))
    form = RatingForm(request.POST)
    if form.data.get("website", "").strip():
        return render(request, "portal/interact/rate.html", _rating_context(service, RatingForm(
            initial={"service": service[0]})), status=400)
    if not form.is_valid():
        return render(request, "portal/interact/rate.html", _rating_context(service, form), status=400)
    if over_limit(request, "rating", rate=settings.PORTAL_INTERACT_RATING_RATE):
        return too_many(request, _("评价"))
    token, is_new = browser_token(request)
    already = False
    try:
        rating_submit(service_code=service[0], service_name=service[1], department=service[2],
                      level=form.cleaned_data["level"], comment=form.cleaned_data["comment"],
                      dimensions=form.dimensions(), browser=token)
    except AlreadyRated:
        already = True
    response = render(request, "portal/interact/rated.html", {"service": service, "already": already,
                                                              "back": _service_url(service[0])})
    if is_new:
        response.set_cookie(BROWSER_COOKIE, token, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    return response


def _service_url(code):
    if code.startswith(sel.ONE_THING_PREFIX):
        return "/one-things/"
    return f"/permits/guide/{code}/" if len(code) == 14 else f"/permits/{code}/"
