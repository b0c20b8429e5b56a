"""`storeroom copy --to URL`: move a plant from the --db database to an empty one."""

from __future__ import annotations

from typing import Annotated

import typer

from storeroom_tui.cli import STATE, app, emit, err, refusals
from storeroom_tui.copying import copy_plant
from storeroom_tui.service import Storeroom


@app.command("copy")
@refusals
def copy_command(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Empty target: a PostgreSQL URL (postgresql+psycopg://user@host/db, "
            "schema by ?options=-csearch_path%3DNAME) or a new SQLite file.",
        ),
    ],
) -> None:
    """Copy the whole storeroom (ids kept) into an empty database; check clean on both ends."""
    source = Storeroom.open(STATE.db)
    STATE._store = source  # closed by `refusals`, whatever happens
    source.require_initialised()  # an older file is upgraded first, as on every open
    source.close()
    if STATE.json:
        report = copy_plant(source.db.url, to)
    else:
        with err.status("copying…") as status:
            report = copy_plant(
                source.db.url,
                to,
                progress=lambda table, rows: status.update(f"copying {table}: {rows} rows"),
            )
    emit(
        {
            "source": report.source,
            "target": report.target,
            "rows": report.rows,
            "movements": report.movements,
            "balances": report.balances,
            "check": {"source": "clean", "target": "clean"},
        },
        f"[green]{report.describe()}[/]",
    )
