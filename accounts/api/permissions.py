"""Role permissions shared by every app's API. Object-level rules (whose request is whose)
live in the services and selectors, not here."""

from rest_framework.permissions import BasePermission


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
