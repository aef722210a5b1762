"""The database thread: jobs run one at a time, in the order they were queued."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from callmate.domain.models import Note
from callmate.store.gateway import StoreGateway
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.test_store import new_call


def test_a_handed_off_note_is_on_disk_when_its_future_is_done(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    gateway = StoreGateway(path)
    try:
        call = gateway.submit(lambda repo: repo.start_call(new_call())).result(30)
        assert call.id is not None
        call_id = call.id
        future = gateway.submit(
            lambda repo: repo.save_note(call_id, Note(text="budget frozen", created_at=NOW)),
            hand_off=True,
        )
        saved = future.result(30)
        with sqlite3.connect(path) as other:
            rows = other.execute("SELECT id, text FROM notes").fetchall()
        assert rows == [(saved.id, "budget frozen")]
    finally:
        gateway.close()


def test_a_handed_off_job_still_waits_its_turn(tmp_path: Path) -> None:
    gateway = StoreGateway(tmp_path / "callmate.db")
    order: list[str] = []
    release = threading.Event()

    def slow(_repo: Repository) -> None:
        release.wait(30)
        order.append("slow")

    try:
        first = gateway.submit(slow)
        second = gateway.submit(lambda _repo: order.append("handed off"), hand_off=True)
        assert not second.done()
        release.set()
        second.result(30)
        first.result(30)
        assert order == ["slow", "handed off"]
    finally:
        release.set()
        gateway.close()
