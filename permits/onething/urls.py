from django.urls import path

from permits.onething import views as onething

app_name = "onething"

urlpatterns = [
    path("", onething.one_thing_index, name="bundle.list"),
]
