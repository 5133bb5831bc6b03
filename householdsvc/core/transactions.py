"""Side effects after commit that must never undo or fail a committed change."""

from django.db import transaction


def on_commit_robust(func, *args, **kwargs) -> None:
    """``transaction.on_commit(..., robust=True)`` for a call with arguments: an error in it
    is logged, never raised into the code that committed (an email server or a channel layer
    that is down must not turn a saved change into a 500).

    Not ``functools.partial``: Django logs a failing robust callback by its ``__qualname__``,
    which a partial lacks, so the logging itself raised AttributeError out of the commit.
    """

    def call():
        return func(*args, **kwargs)

    call.__qualname__ = getattr(func, "__qualname__", repr(func))
    transaction.on_commit(call, robust=True)
