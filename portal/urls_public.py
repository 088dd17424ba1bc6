from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap/", views.site_map, name="site_map"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap.xml"),
    path("robots.txt", views.robots_txt, name="robots.txt"),
]
