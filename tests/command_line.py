"""Run a `storeroom` command line in a test, the way a person types it into a shell.

By default the command runs in this process, through the same Typer app, option hoisting
and environment (`STOREROOM_DB`, `STOREROOM_USER`) as the installed script: a start of
the script costs over a second, and the command-line tests make a few hundred of them.
`real=True` starts the installed `storeroom` script instead, for what only a real process
shows (the console script itself, a fresh interpreter, its exit status).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

STOREROOM = Path(sys.executable).parent / "storeroom"


def run_storeroom(
    db: Path, command: str, user: str | None, *, columns: int | None = None, real: bool = False
) -> tuple[int, str, str]:
    """`storeroom <command>` on `db`, signed in through STOREROOM_USER: (exit code, out, err)."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("STOREROOM_")}
    env.update({"STOREROOM_DB": str(db), "NO_COLOR": "1", "TERM": "dumb"})
    if columns is not None:
        env["COLUMNS"] = str(columns)
    if user is not None:
        env["STOREROOM_USER"] = user
    if real:
        done = subprocess.run(
            [str(STOREROOM), *shlex.split(command)],
            env={k: v for k, v in {**os.environ, **env}.items() if v is not None},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, done.stdout, done.stderr
    from storeroom_tui.cli import app, hoist_global_options

    result = CliRunner().invoke(
        app, hoist_global_options(shlex.split(command)), env=env, prog_name="storeroom"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
