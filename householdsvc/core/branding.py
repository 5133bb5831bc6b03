"""The site's favicon, drawn from the Lucide icon set (the ``lucide`` package) in the brand's
colour, so the icon and the header's logo are the same glyph and nothing is pasted in."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from lucide.templatetags.lucide import lucide as lucide_icon

BRAND_COLOUR = "#0b7a75"  # --brand in static/site/site.css
LOGO_ICON = "wrench"


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    glyph = lucide_icon(LOGO_ICON, size=22, x="5", y="5", stroke="#ffffff", stroke_width="2.25")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">'
        f'<rect width="32" height="32" rx="8" fill="{BRAND_COLOUR}"/>{glyph}</svg>'
    )
    return HttpResponse(svg, content_type="image/svg+xml")
