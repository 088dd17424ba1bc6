from django.urls import path

from . import views

app_name = "interact"

urlpatterns = [
    path("", views.message_list, name="message.list"),
    path("new/", views.message_new, name="message.new"),
    path("track/", views.message_track, name="message.track"),
    path("stats/", views.message_stats, name="message.stats"),
    path("rate/", views.rate, name="rating.new"),
    path("<str:code>/", views.message_detail, name="message.detail"),
]
