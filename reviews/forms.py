"""The review form of the request page: it parses and checks input, the service decides."""

from django import forms


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)], coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
