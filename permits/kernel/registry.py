"""What a catalogue or an upper floor adds to the kernel, registered from its AppConfig.ready().

The kernel names no catalogue and no floor above it: each one tells it here what to do when one
of its editions is copied or published, which cache namespace its public pages live in, and which
sections it adds to a permit item's page (as pretix's plugins answer `event_copy_data`).

    edition_hooks_register("<app>.<edition model>", copy=..., prepare_publish=..., after_publish=...,
                           warnings=..., errors=..., diff=..., kind="<command-line name>")
    cache_namespace_register("<namespace>", editions=("<app>.<edition model>",), watch=(...))
    item_section_register("<key>", template=..., rows=..., namespace="<namespace>")
    page_section_register("<slot>", template=..., context=...)
"""
from dataclasses import dataclass, field
from typing import Callable


def _label(model_or_label):
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower


@dataclass
class EditionHooks:
    """copy(source, target) copies the rows below an edition; prepare_publish(edition) runs inside the
    publishing transaction; after_publish(edition) once it has committed; warnings(edition) and
    errors(edition) give Chinese messages (errors block publishing, warnings are shown before it);
    diff(old, new, public=False) returns the permits.kernel.diff.EditionDiff of two editions."""

    copy: list = field(default_factory=list)
    prepare_publish: list = field(default_factory=list)
    after_publish: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    diff: Callable | None = None


_edition_hooks: dict[str, EditionHooks] = {}
_edition_kinds: dict[str, str] = {}


def edition_hooks_register(model, *, copy=None, prepare_publish=None, after_publish=None, warnings=None,
                           errors=None, diff=None, kind=None):
    hooks = _edition_hooks.setdefault(_label(model), EditionHooks())
    for name, func in (("copy", copy), ("prepare_publish", prepare_publish), ("after_publish", after_publish),
                       ("warnings", warnings), ("errors", errors)):
        if func is not None and func not in getattr(hooks, name):
            getattr(hooks, name).append(func)
    if diff is not None:
        hooks.diff = diff
    if kind is not None:
        _edition_kinds[kind] = _label(model)


def edition_hooks(model) -> EditionHooks:
    return _edition_hooks.get(_label(model), EditionHooks())


def edition_kinds():
    """{command-line name: model label} of the catalogues that registered a `kind`."""
    return dict(_edition_kinds)


# Cache namespaces: every public page depends on "site" (footer, departments) and on its own ones.
SITE_NAMESPACE = "site"
_namespaces: dict[str, tuple] = {SITE_NAMESPACE: ()}
_edition_namespace: dict[str, str] = {}
_watched: dict[str, set] = {}


def cache_namespace_register(name, *, editions=(), watch=()):
    """A namespace whose pages change when one of `editions` is published or a `watch` model is saved."""
    from permits.kernel.cache import watch_model

    _namespaces.setdefault(name, ())
    for label in editions:
        _edition_namespace[_label(label)] = name
    for label in watch:
        _watched.setdefault(_label(label), set()).add(name)
        watch_model(_label(label), (name,))


def public_namespaces():
    return tuple(_namespaces)


def edition_namespace(model):
    """The namespace a publish of `model` invalidates: its registered one, else its app label."""
    return _edition_namespace.get(_label(model), _label(model).split(".")[0])


def watched_models():
    """{model label: namespaces} of models whose saves and deletes change public pages."""
    return {label: tuple(sorted(names)) for label, names in _watched.items()}


@dataclass(frozen=True)
class ItemSection:
    """A section of the permit item page: `rows(item)` gives what it lists (prefetched by `prefetch`,
    a Prefetch on the item queryset or None), rendered by `template`; its data lives in `namespace`."""

    key: str
    template: str
    rows: Callable
    namespace: str
    prefetch: Callable | None = None
    order: int = 100


_item_sections: dict[str, ItemSection] = {}


def item_section_register(key, *, template, rows, namespace, prefetch=None, order=100):
    _item_sections[key] = ItemSection(key, template, rows, namespace, prefetch, order)


def item_sections():
    return sorted(_item_sections.values(), key=lambda s: (s.order, s.key))


def item_section_namespaces():
    return tuple(dict.fromkeys(s.namespace for s in item_sections()))


@dataclass(frozen=True)
class PageSection:
    """A block an upper floor adds to a slot of a public page ("guide", "one_things"), rendered there with
    the page's values plus what its optional `context(values)` adds ({% page_sections slot … %})."""

    template: str
    context: Callable | None = None


_page_sections: dict[str, list] = {}


def page_section_register(slot, template, context=None):
    sections = _page_sections.setdefault(slot, [])
    if not any(s.template == template for s in sections):
        sections.append(PageSection(template, context))


def page_sections(slot):
    return tuple(_page_sections.get(slot, ()))
