"""Every main page, for each role, at a phone's 375 px and a laptop's 1280 px: nothing scrolls
sideways (the phone in the light theme, the laptop in the dark one), the console stays free of
errors, and axe-core (from npm, installed by `make test`)
finds no violation of serious or critical impact. Screenshots go to /tmp/hs-site-screens/."""

from pathlib import Path

import pytest
from django.urls import reverse

from requests_app import services

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = Path("/tmp/hs-site-screens")
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 800}}
# The phone in the light theme, the laptop in the dark one: axe checks the contrast of both.
SCHEMES = {"375": "light", "1280": "dark"}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booked(customer, professional, service):
    """One request the professional has accepted: the detail pages have something to show."""
    service_request = services.service_request_create(
        customer=customer,
        service=service,
        description="Deep clean of a two-bedroom flat, kitchen included",
        address="Flat 12, A Building With A Long Name, 1 Somewhere Road",
        pin_code="560001",
    )
    services.service_request_accept(request_id=service_request.pk, professional=professional)
    return service_request


def pages_for(role, booked, dispatch_service):
    detail = reverse("requests_app:detail", args=[booked.pk])
    if role == "visitor":
        return {
            "home": "/",
            "services": reverse("catalog:list"),
            "login": reverse("accounts:login"),
            "signup": reverse("accounts:signup"),
            "signup-professional": reverse("accounts:signup_professional"),
            "find-professionals": reverse("accounts:professional_search") + f"?service={booked.service_id}",
            "professional-profile": reverse(
                "accounts:professional_public", args=[type(booked).objects.get(pk=booked.pk).professional_id]
            ),
            "not-found": "/no/such/page/",
        }
    if role in ("customer", "customer-hindi"):
        return {
            "home": "/",
            "services": reverse("catalog:list"),
            "my-requests": reverse("requests_app:list"),
            "new-request": reverse("requests_app:new"),
            "new-roadside": reverse("requests_app:new") + f"?service={dispatch_service.pk}",
            "request": detail,
            "profile": reverse("accounts:profile"),
            "find-professionals": reverse("accounts:professional_search") + "?pin_code=560001",
        }
    if role == "professional":
        return {
            "offers": reverse("requests_app:offers"),
            "jobs": reverse("requests_app:jobs"),
            "job": detail,
            "verification": reverse("accounts:pending"),
            "profile": reverse("accounts:profile"),
        }
    return {
        "all-requests": reverse("requests_app:list"),
        "admin-index": reverse("admin:index"),
        "admin-dashboard": reverse("admin:exports_dashboard"),
        "admin-requests": reverse("admin:requests_app_servicerequest_changelist"),
        "admin-request": reverse("admin:requests_app_servicerequest_change", args=[booked.pk]),
        "admin-users": reverse("admin:accounts_user_changelist"),
        "admin-services": reverse("admin:catalog_service_changelist"),
        "admin-exports": reverse("admin:exports_exportjob_changelist"),
    }


def too_wide(page) -> list[str]:
    """The innermost elements that stick out on the right, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1
                && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
            .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (
                e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""
            ))"""
    )


def serious_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol, which the page's CSP (scripts from the site or
    # with the response's nonce) does not govern; a <script> tag of ours would be refused.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: `
                + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))"""
    )
    return violations


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("role", ["visitor", "customer", "customer-hindi", "professional", "admin"])
def test_main_pages_fit_have_no_console_errors_and_pass_axe(
    role, width, asgi_logged_in_context, new_context, asgi_live_server, request, booked, dispatch_service
):
    assert AXE.exists(), "axe-core is missing: `make test` installs it with npm (npm ci)"
    viewport = VIEWPORTS[width]
    if role == "visitor":
        context = new_context(viewport=viewport, color_scheme=SCHEMES[width])
    else:
        if role.startswith("customer"):
            user = booked.customer
            # Hindi's longer words must fit the phone too.
            user.language = "hi" if role == "customer-hindi" else ""
            user.save(update_fields=["language"])
        else:
            user = request.getfixturevalue("professional" if role == "professional" else "admin_user")
        context = asgi_logged_in_context(user, viewport=viewport, color_scheme=SCHEMES[width])
    page = context.new_page()
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    SCREENS.mkdir(parents=True, exist_ok=True)

    problems = []
    for name, path in pages_for(role, booked, dispatch_service).items():
        console_errors.clear()
        response = page.goto(asgi_live_server.url + path)
        expected = 404 if name == "not-found" else 200
        if response.status != expected:
            problems.append(f"{name}: HTTP {response.status}: {page.inner_text('main')[:200]}")
        page.screenshot(path=str(SCREENS / f"{role}-{name}-{width}.png"), full_page=True)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            problems.append(f"{name}: scrolls sideways ({widths[0]} > {widths[1]} px): {too_wide(page)}")
        # The 404 page's own status is the one console error a browser reports there.
        problems += [
            f"{name}: console: {text}"
            for text in console_errors
            if not (name == "not-found" and "404" in text)
        ]
        problems += [f"{name}: axe {violation}" for violation in serious_violations(page)]

    assert problems == [], "\n".join(problems)


def test_the_request_changelist_shows_its_six_columns_at_1280_px(
    asgi_logged_in_context, asgi_live_server, booked, admin_user
):
    page = asgi_logged_in_context(admin_user, viewport=VIEWPORTS["1280"]).new_page()

    page.goto(asgi_live_server.url + reverse("admin:requests_app_servicerequest_changelist"))

    headers = page.evaluate(
        """() => {
            const results = document.querySelector("#changelist .results").getBoundingClientRect();
            const edge = Math.min(innerWidth, results.right);
            return [...document.querySelectorAll("#result_list thead th")]
            .filter(th => th.getBoundingClientRect().right <= edge)
            .map(th => th.innerText.trim().toLowerCase());
        }"""
    )
    for column in ("status", "service", "customer", "professional", "price", "payment"):
        assert column in headers, headers
    row = page.inner_text("#result_list tbody tr")
    assert "Alice" in row and "Assigned" in row and "₹40.00" in row
