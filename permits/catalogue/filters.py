"""The public permit list's query string as a django-filter FilterSet: what each parameter may hold.

The filtering itself runs on the slim rows of the published edition (permit_list.permit_list_summary), which
also gives every option's count in one pass; the FilterSet validates and names the parameters.
"""
import django_filters
from django.utils.translation import gettext_lazy as _

from permits.catalogue.selectors.permit_list import FEE_CHOICES, clean_query
from permits.kernel.chinese import to_simplified
from permits.kernel.listing import IdFilter, SearchFilter
from permits.models import OnlineDepth, PermitItem, Situation


class PermitFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("关键词"), method="as_summary", cleaner=clean_query)
    department = IdFilter(label=_("主管部门"), method="as_summary")
    level = django_filters.CharFilter(label=_("行使层级"), max_length=64, method="as_summary")
    situation = django_filters.ChoiceFilter(label=_("办理情形"), choices=Situation.choices, method="as_summary")
    fee = django_filters.ChoiceFilter(label=_("是否收费"), choices=[(key, label) for key, _v, label in FEE_CHOICES],
                                      method="as_summary")
    online = django_filters.ChoiceFilter(label=_("网上办理深度"), choices=OnlineDepth.choices, method="as_summary")

    class Meta:
        model = PermitItem
        fields = ()

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for key in ("level", "situation"):  # Traditional pages submit their values converted (縣級, 新設)
                if data.get(key):
                    data[key] = to_simplified(data[key])
        super().__init__(data, *args, **kwargs)

    def as_summary(self, queryset, name, value):
        """Filtering happens in permit_list_summary, over rows kept per edition, not through this queryset."""
        return queryset
