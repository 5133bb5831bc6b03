"""The review form's page: the customer's review of their request, posted from the request
page (whose panel ``reviews.templatetags.review_tags`` contributes) and reported back on it.

Thin: the reviews service decides who may review what and when; a refusal becomes an error
message on the request page, like the request's own actions (``requests_app.views.common``).
"""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_app.views.common import invalid_form, member_required, perform, require_role
from reviews import services
from reviews.forms import ReviewForm


@require_POST
@member_required
def review_create(request, pk: int):
    require_role(request, "customer")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    return perform(
        request,
        pk,
        _("Thank you for your review."),
        services.review_create,
        customer=request.user,
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
    )
