"""{% page_sections "guide" handling=handling %}: the sections registered for a slot (permits.kernel.registry)."""
from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from permits.kernel.registry import page_sections as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, slot, **values):
    parts = []
    for section in registered(slot):
        extra = dict(values)
        if section.context is not None:
            extra.update(section.context(values) or {})
        with context.push(**extra):
            parts.append(get_template(section.template).template.render(context))
    return mark_safe("".join(parts))
