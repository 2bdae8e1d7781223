"""Shared by the tests that run the `capex` command as a real process."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Rich treats these as "is a terminal" or as a width; the tests need plain pipes.
_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES")


def plain_env(**extra: str) -> dict[str, str]:
    """This process's environment for a child whose stderr is a pipe, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def console_script() -> Path:
    """The installed `capex` next to this interpreter; the calling module is skipped without it."""
    path = Path(sys.executable).with_name("capex")
    if not path.exists():  # pragma: no cover - depends on how the package was installed
        pytest.skip(f"console script not found next to the interpreter: {path}", allow_module_level=True)
    return path


def strace() -> str | None:
    """strace, when it is installed and may trace here (a container can forbid ptrace)."""
    path = shutil.which("strace")
    if path is None or subprocess.run([path, "-qq", "-e", "trace=none", "true"], capture_output=True).returncode:
        return None
    return path


def no_dac_override() -> tuple[str, ...] | None:
    """A prefix under which even root meets file permissions, or None when there is none."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search") if setpriv else None
