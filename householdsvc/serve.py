"""The production web process: ``python -m householdsvc.serve [extra uvicorn options]``.

uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 by default, so behind no proxy a client
made up its own address and every made-up value was a fresh log-in allowance. Here the trust
follows ``DJANGO_NUM_PROXIES``, the same number the throttles read: 0 turns proxy headers
off; more trusts them only from ``DJANGO_FORWARDED_ALLOW_IPS`` (the load balancers' addresses).

WebSockets go uncompressed: per-message deflate compresses each frame once per socket, so a
position watched by a thousand screens was compressed a thousand times (most of a fan-out's
time on the server) to save a few hundred bytes each.
"""

import os
import sys

WS_OPTIONS = ("--ws-per-message-deflate", "false")


def uvicorn_args(environ=os.environ) -> list[str]:
    args = [
        "householdsvc.asgi:application",
        "--host",
        environ.get("DJANGO_BIND_HOST", "0.0.0.0"),
        "--port",
        environ.get("PORT", "8000"),
        "--workers",
        environ.get("WEB_CONCURRENCY", "2"),
        *WS_OPTIONS,
    ]
    if int(environ.get("DJANGO_NUM_PROXIES", "0")) == 0:
        args.append("--no-proxy-headers")
    else:
        args += [
            "--proxy-headers",
            "--forwarded-allow-ips",
            environ.get("DJANGO_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
    return args


def main(argv: list[str]) -> None:
    uvicorn = os.path.join(os.path.dirname(sys.executable), "uvicorn")
    os.execv(uvicorn, [uvicorn, *uvicorn_args(), *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
