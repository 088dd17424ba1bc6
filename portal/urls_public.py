from django.urls import path

from . import views
from .sitemaps import sitemap_section, sitemap_xml

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap/", views.site_map, name="site_map"),
    path("sitemap.xml", sitemap_xml, name="sitemap.xml"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap.section"),
    path("robots.txt", views.robots_txt, name="robots.txt"),
]
