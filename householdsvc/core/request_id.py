"""A request id on every log line: taken from the caller's ``X-Request-ID`` (a load balancer's)
or made up, sent back on the response, and carried in a Celery message's headers into the task
the request queued, so one id follows a job from the click to the worker.

Every log record gets ``request_id`` (a log-record factory, so it is there whichever handler
writes the record); ``JsonFormatter`` writes one JSON object a line.
"""

import contextvars
import json
import logging
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HEADER = "X-Request-ID"

_make_record = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs):
    record = _make_record(*args, **kwargs)
    record.request_id = request_id_var.get()
    return record


def install_record_factory() -> None:
    if logging.getLogRecordFactory() is not _record_with_request_id:
        logging.setLogRecordFactory(_record_with_request_id)


install_record_factory()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _SANE.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


# --- Celery: the id travels in the message's headers ------------------------------------


def add_to_message(headers=None, **kwargs) -> None:
    """``before_task_publish``: the publishing request's id into the message."""
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault("request_id", request_id_var.get())


def take_from_message(task=None, **kwargs) -> None:
    """``task_prerun``: the message's id for the task's log lines."""
    request_id = getattr(getattr(task, "request", None), "request_id", None)
    task._request_id_token = request_id_var.set(request_id or f"task-{getattr(task.request, 'id', '-')}")


def forget(task=None, **kwargs) -> None:
    """``task_postrun``."""
    token = getattr(task, "_request_id_token", None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context
            request_id_var.set("-")
        task._request_id_token = None
