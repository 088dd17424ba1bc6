from django.urls import path

from permits.powers import views as powers

app_name = "powers"

urlpatterns = [
    path("", powers.catalogue_list, name="catalogue.list"),
    path("<int:pk>/", powers.catalogue_detail, name="catalogue.detail"),
    path("<int:pk>/export.<str:fmt>", powers.catalogue_export, name="catalogue.export"),
]
