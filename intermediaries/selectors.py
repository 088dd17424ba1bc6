"""Reads for the intermediary service lists."""
from permits.selectors.editions import current_published, edition_published_in_year

from .models import IntermediaryList, IntermediaryService


def intermediary_list_of_year(year):
    """The list published in `year` (for the annual report), or None."""
    return edition_published_in_year(IntermediaryList, year)


def intermediary_list_current():
    return current_published(IntermediaryList)


def intermediary_service_count(edition):
    return IntermediaryService.objects.filter(edition=edition).count()
