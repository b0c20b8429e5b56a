"""Write the next revision: `uv run python -m storeroom_tui.migrations "what changed"`.

Builds a scratch file at the current head, compares it with the models (Alembic's
autogenerate) and writes versions/NNNN_what_changed.py; read it and edit before committing,
then raise HEAD in storeroom_tui/migrations/__init__.py.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from storeroom_tui.db import Database
from storeroom_tui.migrations import alembic_config, create


def main(message: str) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head() or "0000"
    number = f"{int(head) + 1:04d}"
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'head.db'}")
        create(db)
        with db.connection(write=True) as connection:
            config = alembic_config(connection)
            config.set_main_option("file_template", f"{number}_{slug}")
            command.revision(config, message, autogenerate=True, rev_id=number)
        db.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
