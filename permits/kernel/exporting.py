"""The one place an export's file type is decided: extension → content type, from django-import-export."""


def export_types():
    """Extension → content type of the django-import-export formats the project offers."""
    from permits.kernel.importing.formats import EXPORT_FORMATS

    types = {}
    for format_class in EXPORT_FORMATS:
        fmt = format_class()
        types[fmt.get_extension()] = fmt.get_content_type() + ("" if fmt.is_binary() else "; charset=utf-8")
    return types
