"""What 互动交流 adds to the floors below: guide-page sections, report figures, role permissions."""
from django.utils.translation import gettext_lazy as _

INTERACT_URL = "/interact/stats/"

# key, label, kind
FIGURES = (
    ("messages_received", _("互动交流收到留言数"), "count"),
    ("messages_answered", _("互动交流答复留言数"), "count"),
    ("messages_on_time_rate", _("留言按期答复率"), "percent"),
    ("unresolved_received", _("“办不成事”反映件数"), "count"),
    ("unresolved_handled", _("“办不成事”反映办结件数"), "count"),
    ("ratings", _("“好差评”评价数"), "count"),
    ("satisfaction_rate", _("“好差评”满意率"), "percent"),
    ("bad_ratings_rectified", _("差评整改件数"), "count"),
)

MESSAGE_MODELS = ("portal.message", "portal.ratingcase")


def _year_figure(key):
    def compute(data):
        from portal.interact.selectors import figures_of_year

        if "interact" not in data.__dict__:
            data.__dict__["interact"] = figures_of_year(data.year)
        return data.__dict__["interact"][key]

    return compute


def register_figures():
    from reports.figures import Figure, register_figure

    for key, label, kind in FIGURES:
        register_figure(Figure(key, label, _year_figure(key), lambda data: INTERACT_URL, kind))


def _guide_context(values):
    from portal.interact.forms import DIMENSIONS
    from portal.interact.models import Rating
    from portal.interact.selectors import satisfaction

    handling = values["handling"]
    return {"rating_service": handling.code, "rating_levels": Rating.Level.choices,
            "rating_dimensions": DIMENSIONS, "satisfaction": satisfaction(handling.code)}


def register_sections():
    from permits.kernel.registry import page_section_register

    page_section_register("guide", "portal/interact/includes/guide_section.html", _guide_context)
    page_section_register("one_things", "portal/interact/includes/one_things_section.html")


def register_roles():
    """Departments answer their messages and 差评; reviewers assign, review replies and keep the calendar."""
    from permits.kernel.access.roles import ALL, DEPARTMENT_EDITOR, REVIEWER, VIEW, role_rules_register

    role_rules_register(DEPARTMENT_EDITOR, MESSAGE_MODELS, ("view", "change"))
    role_rules_register(DEPARTMENT_EDITOR, ("portal.rating", "portal.holiday"), VIEW)
    role_rules_register(REVIEWER, MESSAGE_MODELS, ("view", "change"))
    role_rules_register(REVIEWER, ("portal.rating",), VIEW)
    role_rules_register(REVIEWER, ("portal.holiday",), ALL)
