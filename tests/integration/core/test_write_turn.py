"""SQLite writers take turns (db.turn): threads and processes all commit, none meets "database is locked", and a
turn held too long lets the next writer fall back to SQLite's own wait instead of hanging."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from sqlalchemy import text

from liandong.db import make_engine, unit_of_work
from liandong.db.turn import WriteTurn, lock_file_for


def _table(url: str) -> None:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, who TEXT)"))
    engine.dispose()


def test_threads_of_one_process_all_commit(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    _table(url)
    engine = make_engine(url)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(20):
                with unit_of_work(engine) as session:
                    n = session.execute(text("SELECT count(*) FROM t")).scalar_one()
                    session.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": f"{k}:{i}:{n}"})
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with unit_of_work(engine) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 160
    assert (tmp_path / "a.db.write-lock").exists()


def test_a_rolled_back_writer_hands_the_turn_on(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    _table(url)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            session.execute(text("INSERT INTO t (who) VALUES ('x')"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    done = threading.Event()

    def next_writer() -> None:
        with unit_of_work(engine) as session:
            session.execute(text("INSERT INTO t (who) VALUES ('y')"))
        done.set()

    threading.Thread(target=next_writer).start()
    assert done.wait(5), "the turn was not handed on after a rollback"


SCRIPT = """
import sys
from sqlalchemy import text
from liandong.db import make_engine, unit_of_work
engine = make_engine(sys.argv[1])
for i in range(40):
    with unit_of_work(engine) as session:
        session.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": sys.argv[2]})
"""


def test_processes_sharing_the_file_all_commit(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    _table(url)
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, url, f"p{k}"], stderr=subprocess.PIPE, text=True) for k in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 120


def test_a_turn_held_too_long_times_out_rather_than_hanging(tmp_path):
    path = lock_file_for(str(tmp_path / "d.db"))
    first, second = WriteTurn(path), WriteTurn(path)  # two "processes": two open files of the same lock
    assert first.acquire(timeout=1)
    started = time.monotonic()
    assert second.acquire(timeout=0.05) is False
    assert time.monotonic() - started < 5
    first.release()
    assert second.acquire(timeout=1)
    second.release()


def test_in_memory_and_uri_databases_have_no_lock_file():
    assert lock_file_for(":memory:") is None
    assert lock_file_for("file:x?mode=memory") is None
    assert lock_file_for(None) is None


def test_engines_and_pools_of_one_file_share_the_turn(tmp_path):
    import liandong.db as db

    url = f"sqlite:///{tmp_path / 'e.db'}"
    _table(url)
    first, second = make_engine(url), make_engine(url)
    first.dispose()  # a new pool: the turn is the file's, not the pool's
    turn = db._TURNS[str(tmp_path / "e.db")]
    with unit_of_work(first) as session:
        session.execute(text("INSERT INTO t (who) VALUES ('a')"))
        assert turn.acquire(timeout=0.05) is False  # held by this writer
    assert turn.acquire(timeout=1)  # handed on at commit
    turn.release()
    with unit_of_work(second) as session:
        session.execute(text("INSERT INTO t (who) VALUES ('b')"))
    first.dispose()
    second.dispose()
