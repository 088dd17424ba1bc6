"""Staff accounts with a role, for the security tests."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from permits.models import StaffProfile

PASSWORD = "Xinyu-Test-Pass-2024!"


def make_staff(username, role=None, departments=(), **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if departments:
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.departments.set(departments)
    return user
