"""Sections that upper floors add to permits' public pages, registered from their AppConfig.ready().

A page names a slot ("guide", "one_things"); each registered section is a template rendered there with
the page's context plus what its optional `context` function adds. Permits never knows who registered.
"""
from dataclasses import dataclass
from typing import Callable, Optional

_SECTIONS = {}


@dataclass(frozen=True)
class PageSection:
    template: str
    context: Optional[Callable] = None  # (dict of the page's values) -> dict added for this section


def register_page_section(slot, template, context=None):
    sections = _SECTIONS.setdefault(slot, [])
    if not any(s.template == template for s in sections):
        sections.append(PageSection(template, context))


def page_sections(slot):
    return tuple(_SECTIONS.get(slot, ()))
