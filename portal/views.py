"""Public pages of the shell: home, site map page, robots.txt."""
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from intermediaries.models import IntermediaryService
from permits.models import DelegatedPower, EditionStatus, OneThing
from permits.catalogue.selectors.catalogue import permit_catalogue_counts, published_permit_catalogue
from permits.kernel.cache import public_cache

SECTIONS = [
    {"url": "/permits/", "title": _("行政许可事项"), "icon": "permit",
     "text": _("查询市本级行政许可事项、子项、业务办理项与办事指南")},
    {"url": "/intermediaries/", "title": _("中介服务"), "icon": "intermediary",
     "text": _("行政审批中介服务事项清单、收费性质与服务时限")},
    {"url": "/powers/", "title": _("赋权目录"), "icon": "power",
     "text": _("赋予功能区、乡镇（街道）的县级经济社会管理权限")},
    {"url": "/one-things/", "title": _("高效办成一件事"), "icon": "onething",
     "text": _("一件事一次办：减材料、减环节、减时限、减跑动")},
    {"url": "/reports/", "title": _("法治政府建设报告"), "icon": "report",
     "text": _("年度法治政府建设情况报告全文与下载")},
    {"url": "/interact/", "title": _("互动交流"), "icon": "phone",
     "text": _("咨询、建议、投诉、“办不成事”反映与公开答复，12345热线")},
]


def _intermediary_count():
    # Portal is the top floor: it may read the intermediary list directly.
    return IntermediaryService.objects.filter(
        edition__status=EditionStatus.PUBLISHED, edition__region__parent=None
    ).count()


@public_cache("permits", "intermediaries", "powers", "onethings", "reports")
@require_safe
def home(request):
    edition = published_permit_catalogue()
    counts = permit_catalogue_counts(edition)
    stats = [
        {"label": _("许可事项"), "value": counts["items"], "url": "/permits/"},
        {"label": _("子项"), "value": counts["sub_items"], "url": "/permits/"},
        {"label": _("业务办理项"), "value": counts["handling_items"], "url": "/permits/"},
        {"label": _("中介服务事项"), "value": _intermediary_count(), "url": "/intermediaries/"},
        {"label": _("赋权事项"), "value": DelegatedPower.objects.filter(
            edition__status=EditionStatus.PUBLISHED).count(), "url": "/powers/"},
        {"label": _("一件事"), "value": OneThing.objects.count(), "url": "/one-things/"},
    ]
    return render(request, "portal/home.html", {
        "edition": edition, "stats": stats, "sections": SECTIONS,
        "hot_words": ["食品经营", "建设工程", "药品零售", "道路运输", "卫生许可"],
    })


@public_cache("permits", "intermediaries", "powers", "onethings", "reports")
@require_safe
def site_map(request):
    return render(request, "portal/site_map.html", {
        "sections": SECTIONS,
        "permit_links": [
            (reverse("permits:item.list"), _("行政许可事项清单")),
            (reverse("permits:changes"), _("清单变化情况")),
            (reverse("permits:export", args=["csv"]), _("开放数据：CSV")),
            (reverse("permits:export", args=["xlsx"]), _("开放数据：Excel")),
            (reverse("permits:export", args=["json"]), _("开放数据：JSON")),
        ],
    })


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*?zh=",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap.xml'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
