"""Shared by the tests that run the `capex` command as a real process."""
from __future__ import annotations

import os

# Rich treats these as "is a terminal" or as a width; the tests need plain pipes.
_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES")


def plain_env(**extra: str) -> dict[str, str]:
    """This process's environment for a child whose stderr is a pipe, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env
