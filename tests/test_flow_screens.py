"""A supervisor's whole day on one WO, through the screens with real key presses:
sign in by badge scan → queue → open the WO → issue three lines (one by lot, one by
serial) → return one `opened` and one `inspect` → reconcile → close. Then the database
holds exactly the movements expected. And the refusals a clerk meets on the way."""

from __future__ import annotations

from sqlalchemy import select

from models import Location, Movement, WorkOrder
from screens.issue import IssueScreen
from screens.reconcile import ReconcileScreen
from screens.returns import ReturnScreen
from screens.widgets import MessageLine
from storeroom_tui import catalog, ledger
from storeroom_tui.app import StoreroomApp


async def scan(pilot, code: str) -> None:  # noqa: ANN001
    """A keyboard-wedge scanner: a burst of characters, then Enter."""
    await pilot.press(*code, "enter")
    await pilot.pause()


def message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one(MessageLine).render())


def ledger_rows(store, number: str) -> list[tuple[str, str, int, str, str, str | None]]:  # noqa: ANN001
    def rows(session):  # noqa: ANN001, ANN202
        work_order = catalog.find_work_order(session, number)
        places = dict(session.execute(select(Location.id, Location.code)).all())
        found = session.execute(
            select(Movement).where(Movement.wo_id == work_order.id).order_by(Movement.id)
        ).scalars()
        return [
            (
                m.kind,
                str(m.item_id),
                m.qty,
                places[m.from_location_id],
                places[m.to_location_id],
                m.condition,
            )
            for m in found
        ]

    return store.read(rows)


async def test_supervisor_issues_returns_reconciles_and_closes_a_work_order(plant) -> None:
    number = plant.wo_in_progress(
        {"BRG-6204": "2", "FLT-1": "1", "UPS-BAT": "1"}, title="Pump overhaul"
    )
    plant.store.actor = None
    app = StoreroomApp(plant.store, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "USR-S1")
        assert plant.store.actor is not None and plant.store.actor.badge == "S1"

        # the queue: filter to the WO and open it
        await pilot.press("slash", *number)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert number in str(app.screen.query_one("#wo-header").render())
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IssueScreen)

        # issue: a plain item, a lot item (lot scanned), a serialised item (serial scanned)
        await scan(pilot, "BRG-6204")
        assert "2 EA BRG-6204" in message(app) and "WIP" in message(app)
        await scan(pilot, "FLT-1")
        assert "lot" in str(app.screen.query_one("#prompt").render())
        await scan(pilot, "L1")
        assert "FLT-1" in message(app) and "lot L1" in message(app)
        await scan(pilot, "UPS-BAT")
        await scan(pilot, "SN2")
        assert "s/n SN2" in message(app)

        # return: one bearing opened (back to its bin), the filter for inspection
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReturnScreen)
        await scan(pilot, number)
        await scan(pilot, "CMD-QTY-1")
        await scan(pilot, "BRG-6204")
        await pilot.press("o")
        await pilot.pause()
        assert "back to bin" in str(app.screen.query_one("#prompt").render())
        await pilot.press("enter")
        await pilot.pause()
        assert "BRG-6204 WIP → MAIN/A-01-0" in message(app)
        await scan(pilot, "FLT-1")
        await pilot.press("i")
        await pilot.pause()
        assert "QUARANTINE" in str(app.screen.query_one("#prompt").render())
        await scan(pilot, "CMD-DONE")
        assert "FLT-1 WIP → QUARANTINE" in message(app)

        # reconcile: work done, write off the bearing used and the battery by serial, close
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        await scan(pilot, number)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("w")  # line 1, the bearing: one still in WIP
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "w")  # line 3, the battery: its serial
        await pilot.pause()
        await scan(pilot, "SN2")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "126.00" in str(app.screen.query_one("#gate").render())

    def closed(session):  # noqa: ANN001, ANN202
        work_order = session.execute(
            select(WorkOrder).where(WorkOrder.number == number)
        ).scalar_one()
        return work_order.status, work_order.parts_cost

    assert plant.store.read(closed) == ("closed", 12600)
    brg, flt, ups = (
        str(plant.store.read(catalog.find_item, part).id)
        for part in ("BRG-6204", "FLT-1", "UPS-BAT")
    )
    assert ledger_rows(plant.store, number) == [
        ("issue", brg, 2000, "MAIN/A-01-01", "WIP", None),
        ("issue", flt, 1000, "MAIN/A-01-01", "WIP", None),
        ("issue", ups, 1000, "MAIN/A-01-02", "WIP", None),
        ("return", brg, 1000, "WIP", "MAIN/A-01-01", "opened"),
        ("return", flt, 1000, "WIP", "QUARANTINE", "inspect"),
        ("writeoff", brg, 1000, "WIP", "CONSUMED", None),
        ("writeoff", ups, 1000, "WIP", "CONSUMED", None),
    ]
    assert plant.store.read(ledger.check) == ([], [])


async def test_clerk_meets_clear_refusals_and_nothing_is_posted(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "1", "UPS-BAT": "1"}, title="Reseal")
    plant.store.sign_in("C1")
    before = plant.store.read(lambda s: len(s.execute(select(Movement.id)).all()))
    app = StoreroomApp(plant.store, poll=False)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await pilot.press("f3")
        await pilot.pause()
        await scan(pilot, number)

        await scan(pilot, "WO-")  # a malformed scan
        assert "'WO-'" in message(app) and len(bells) == 1

        await scan(pilot, "CMD-QTY-5")  # over-issue: asks why; Esc drops it
        await scan(pilot, "SEAL-9")
        assert app.screen.__class__.__name__ == "ReasonDialog"
        await pilot.press("escape")
        await pilot.pause()
        assert "dropped" in message(app)

        await pilot.press("f4")  # return of a serial that was never issued
        await pilot.pause()
        await scan(pilot, number)
        await scan(pilot, "SN1")
        assert "SN1" in message(app) and "✘" in message(app)

        await pilot.press("f5")  # close with WIP open: a clerk is not even offered it
        await pilot.pause()
        await scan(pilot, number)
        assert app.screen.check_action("close_wo", ()) is False

        await pilot.press("f2", "enter")  # beyond the role: a clerk cannot complete the WO
        await pilot.pause()
        assert number in str(app.screen.query_one("#wo-header").render())
        assert app.screen.check_action("status", ("completed",)) is False
        await pilot.press("m")
        await pilot.pause()
    after = plant.store.read(lambda s: len(s.execute(select(Movement.id)).all()))
    assert after == before
    assert len(bells) == 2  # the bad scan and the serial that was not issued
    status = plant.store.read(lambda s: catalog.find_work_order(s, number).status)
    assert status == "in_progress"


async def test_another_terminals_post_shows_up_within_two_seconds(plant) -> None:
    from storeroom_tui import counter
    from storeroom_tui.quantities import parse_qty
    from storeroom_tui.service import Storeroom

    number = plant.wo_in_progress({"SEAL-9": "2"}, title="Watch me")
    plant.store.sign_in("C1")
    app = StoreroomApp(plant.store, poll=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await scan(pilot, number)
        other = Storeroom.open(plant.store.db.url.removeprefix("sqlite:///"))
        other.sign_in("S1")
        other.write(counter.issue_to_line, number, "SEAL-9", parse_qty("2"))
        other.close()
        await pilot.pause(2.0)
        table = app.screen.query_one("#picklist")
        assert "✔" in str(table.get_row_at(0)[3])  # nothing left to issue on line 1


async def test_screen_actions_are_in_the_command_palette_and_run_from_there(plant) -> None:
    from storeroom_tui import workorders

    number = plant.store.write(workorders.create_work_order, "PUMP-07", "Palette job").number
    plant.store.sign_in("S1")
    app = StoreroomApp(plant.store, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the only WO in the queue
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Approve" in commands and "Issue to line" in commands
        assert "Start" not in commands  # a requested WO cannot start: not offered
        await commands["Approve"].callback()
        await pilot.pause()
    status = plant.store.read(lambda s: catalog.find_work_order(s, number).status)
    assert status == "approved"
