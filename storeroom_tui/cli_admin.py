"""`storeroom backup` and `storeroom restore`: the storeroom file copied while terminals post,
and put back from a checked copy. Registered on `storeroom_tui.cli.app`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storeroom_tui.cli import STATE, app, emit, refusals
from storeroom_tui.db import database_url


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


@app.command("backup")
@refusals
def backup_command(
    file: Annotated[Path, typer.Argument(help="The copy to write; must not exist yet.")],
) -> None:
    """Copy the storeroom file to FILE while terminals go on posting (consistent, checked).

    For PostgreSQL use pg_dump."""
    from storeroom_tui.backup import backup

    result = backup(database_url(STATE.db), file)
    emit(
        {
            "db": result.source,
            "backup": str(result.path),
            "movements": result.movements,
            "revision": result.revision,
            "bytes": result.size,
            "seconds": round(result.seconds, 3),
        },
        f"backup of {result.source} written to {result.path}: {result.movements} movements, "
        f"schema revision {result.revision or 'none'}, {_size(result.size)} "
        f"in {result.seconds:.2f} s",
    )


@app.command("restore")
@refusals
def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup made by `storeroom backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing.")] = False,
) -> None:
    """Replace the storeroom file with the backup FILE, once FILE passes `check`.

    Every other terminal on the file must be closed first; the replaced file is kept as
    FILE.before-restore-<time>. For PostgreSQL use pg_restore."""
    from storeroom_tui.backup import restore

    url = database_url(STATE.db)
    if not yes:
        typer.confirm(
            f"Replace {url.removeprefix('sqlite:///')} with {file}? Close every other "
            "terminal on it first; the current file is kept beside it",
            abort=True,
        )
    result = restore(url, file)
    kept = f"; the replaced file is kept in {result.kept}" if result.kept else ""
    upgraded = (
        f" (upgraded from schema revision {result.upgraded_from})" if result.upgraded_from else ""
    )
    emit(
        {
            "db": str(result.path),
            "restored_from": str(result.source),
            "kept": str(result.kept) if result.kept else None,
            "movements": result.movements,
            "revision": result.revision,
            "upgraded_from": result.upgraded_from,
            "seconds": round(result.seconds, 3),
        },
        f"restored {result.path} from {result.source}{upgraded}: {result.movements} movements, "
        f"check clean{kept}",
    )
