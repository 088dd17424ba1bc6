"""The public list's query string as a django-filter FilterSet: what each parameter may hold and how it filters."""
import django_filters
from django.utils.translation import gettext_lazy as _

from permits.kernel.listing import IdFilter, SearchFilter

from . import selectors
from .models import IntermediaryService


class ServiceFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("关键词"), method="search", cleaner=selectors.clean_query)
    department = IdFilter(label=_("审批部门"), method="in_department")
    commissioner = django_filters.ChoiceFilter(label=_("委托方"), choices=IntermediaryService.Commissioner.choices)
    fee_nature = django_filters.ChoiceFilter(label=_("收费性质"), choices=IntermediaryService.FeeNature.choices)
    level = django_filters.ChoiceFilter(label=_("层级"), choices=IntermediaryService.Level.choices)

    class Meta:
        model = IntermediaryService
        fields = ()

    def search(self, queryset, name, value):
        return selectors.service_search(queryset, value)

    def in_department(self, queryset, name, value):
        return queryset.for_department(value)
