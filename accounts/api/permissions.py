"""Role permissions shared by every app's API. Object-level rules (whose request is whose)
live in the services and selectors, not here."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsAdmin(BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_admin)


class IsCustomer(BasePermission):
    message = "Only customers may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_customer)


class IsProfessional(BasePermission):
    message = "Only professionals may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_professional)


class IsAdminOrReadOnly(BasePermission):
    """Anyone (even anonymous) may read; only admins write."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_admin)
