"""What every catalogue admin shares: department scope and edition locking.

`department_lookup` names the path from the model to its Department (e.g. "sub_item__item__department");
staff whose role is limited to departments see only their rows, and others' answer 404.
"""
from django.contrib import admin

from permits.selectors.scope import scope_queryset


class ScopedAdmin(admin.ModelAdmin):
    department_lookup = None

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request), self.department_lookup)
