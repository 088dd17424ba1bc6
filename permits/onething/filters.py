"""The 高效办成一件事 page's query string as a django-filter FilterSet."""
import django_filters
from django.utils.translation import gettext_lazy as _

from permits.kernel.listing import IntegerFilter
from permits.models import OneThing


class OneThingFilter(django_filters.FilterSet):
    year = IntegerFilter(label=_("上线年度"), method="of_year", min_value=1990, max_value=2100)
    level = django_filters.ChoiceFilter(label=_("部署层级"), choices=OneThing.Level.choices)

    class Meta:
        model = OneThing
        fields = ()

    def of_year(self, queryset, name, value):
        return queryset.of_year(value)
