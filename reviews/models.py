from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Review(models.Model):
    """A customer's verdict on a finished request: one per request, 1 to 5 stars, an optional
    comment. The professional's average and count move with it in the same transaction."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="review"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
        ]
        indexes = [
            models.Index(fields=["professional", "-created_at"], name="review_professional_idx"),
            models.Index(fields=["customer", "-created_at"], name="review_customer_idx"),
        ]

    def __str__(self):
        return f"{self.rating}★ for request #{self.request_id}"

    @property
    def editable_until(self):
        """Until when its author may still change it (``REVIEW_EDIT_WINDOW_DAYS`` after writing)."""
        return self.created_at + timedelta(days=settings.REVIEW_EDIT_WINDOW_DAYS)
