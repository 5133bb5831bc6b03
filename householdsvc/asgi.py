"""ASGI entry point: HTTP through Django, WebSockets through Channels, in one process."""

import os

from householdsvc.core.handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "householdsvc.settings.local")

# Django must be set up before anything imports models (the consumers do). The handler runs the
# middleware chain in one thread per request (householdsvc.core.handler).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.routing import websocket_urlpatterns as account_sockets  # noqa: E402
from householdsvc.core.logging import install_redaction  # noqa: E402
from requests_app.sweeper import start_sweeper  # noqa: E402
from tracking.routing import websocket_urlpatterns  # noqa: E402
from tracking.ws_auth import CookieSessionOriginValidator, JWTAuthMiddleware  # noqa: E402

# uvicorn logs every URL, WebSocket handshakes included: no ?token= in those lines.
install_redaction("uvicorn.access", "uvicorn.error")
# Tasks in-process (make run): expired offer rounds advance from a thread of this server.
start_sweeper()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": CookieSessionOriginValidator(
            AuthMiddlewareStack(JWTAuthMiddleware(URLRouter(account_sockets + websocket_urlpatterns)))
        ),
    }
)
