"""Knowledge-base fixtures: the seed corpus ingested once per backend, a private var_dir for index caches."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.config import settings

_SHARED_SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
# A worktree has no ../shared next to it: the packaged demo corpus holds the same five seed files.
SEEDS = _SHARED_SEEDS if _SHARED_SEEDS.exists() else Path(__file__).resolve().parents[3] / "src" / "liandong" / "knowledge" / "data" / "corpus"


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if len(files) < 5:
        pytest.skip(f"seeds not found under {SEEDS}")
    return files


@pytest.fixture(scope="session", autouse=True)
def kb_var_dir(tmp_path_factory):
    """Index caches go to a temporary directory, not the developer's ./var."""
    current = settings()
    previous = current.var_dir
    current.var_dir = tmp_path_factory.mktemp("kb_var")
    yield current.var_dir
    current.var_dir = previous


@pytest.fixture(scope="session")
def corpus(engine, seed_files):
    """The five seeds, ingested and committed once into the session's database."""
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.knowledge.ingest import ingest_paths

    with unit_of_work(engine) as session:
        results = ingest_paths(session, paths=seed_files, now=now())
    return results
