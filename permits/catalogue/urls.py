from django.urls import path, register_converter

from permits.catalogue import changes_views as changes, edition_views, views as catalogue, views_editions as editions


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
    path("changes/", changes.changes, name="changes"),
    path("changes.json", changes.changes_json, name="changes.json"),
    path("changes.atom", changes.EditionFeed(), name="changes.feed"),
    path("editions/<str:label>/guide/<str:code>/", edition_views.edition_guide, name="edition.guide"),
    path("editions/<str:label>/<str:code>/", edition_views.edition_item, name="edition.item"),
    path("export.<export_format:fmt>", catalogue.export, name="export"),
    path("guide/<str:code>/", catalogue.guide, name="guide"),
    path("editions/<str:label>/", editions.edition_detail, name="edition.detail"),
    path("<str:code>/", catalogue.item_detail, name="item.detail"),
]
