"""The query string of a delegated-power catalogue's page as a django-filter FilterSet.

The page holds every power of the catalogue already (for its comparison with the old one), so the
filters and their counts are worked out over those rows (permits.kernel.listing.facet_rows).
"""
import django_filters
from django.utils.translation import gettext_lazy as _

from permits.kernel.listing import IdFilter
from permits.models import DelegatedPower
from permits.powers.models import PowerMode, PowerType

# parameter → the row's value, as the query string writes it
FIELDS = {
    "department": lambda power: str(power.department_id),
    "power_type": lambda power: power.power_type,
    "mode": lambda power: power.mode,
}


class PowerFilter(django_filters.FilterSet):
    department = IdFilter(label=_("实施部门"), method="in_rows")
    power_type = django_filters.ChoiceFilter(label=_("事项类型"), choices=PowerType.choices, method="in_rows")
    mode = django_filters.ChoiceFilter(label=_("赋权方式"), choices=PowerMode.choices, method="in_rows")

    class Meta:
        model = DelegatedPower
        fields = ()

    def in_rows(self, queryset, name, value):
        """Filtering happens over the page's rows (facet_rows), not through this queryset."""
        return queryset
