from django.urls import path, register_converter

from permits.catalogue import views as catalogue, views_editions as editions


class ExportFormat:
    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")

app_name = "permits"

urlpatterns = [
    path("", catalogue.item_list, name="item.list"),
    path("changes/", catalogue.changes, name="changes"),
    path("export.<export_format:fmt>", catalogue.export, name="export"),
    path("guide/<str:code>/", catalogue.guide, name="guide"),
    path("editions/<str:label>/", editions.edition_detail, name="edition.detail"),
    path("<str:code>/", catalogue.item_detail, name="item.detail"),
]
