"""Twilio's Messages endpoint, as far as the SMS channel needs it, on 127.0.0.1: a real HTTP
server that Twilio's official client talks to (``SMS_URL=twilio://...?api_base=``), answering
the way Twilio's API does and recording each call. ``fail_next`` makes the next calls 500."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

_ids = itertools.count(1)


class _Handler(BaseHTTPRequestHandler):
    server: TwilioStandIn

    def log_message(self, *args):
        pass

    def do_POST(self):
        form = dict(parse_qsl(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()))
        self.server.calls.append(
            {"path": self.path, "authorization": self.headers.get("Authorization"), "form": form}
        )
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            status, body = 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
        else:
            sid = f"SM{next(_ids):032d}"
            status = 201
            body = {
                "sid": sid,
                "status": "queued",
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
            }
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class TwilioStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[dict] = []
        self.fail_next = 0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
