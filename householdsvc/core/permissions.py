"""Role permissions shared by every app's API. Object-level rules (whose request is whose)
live in the services and selectors, not here."""

from rest_framework.permissions import BasePermission


def is_admin(user) -> bool:
    """The one admin rule for any acting user: a ``User``, ``AnonymousUser`` or ``None``
    (``User.is_admin``: the admin role, staff, and not blocked)."""
    return bool(getattr(user, "is_admin", False))


class IsAdmin(BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view):
        return is_admin(request.user)


class IsCustomer(BasePermission):
    message = "Only customers may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_customer)
