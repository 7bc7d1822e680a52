"""Shared set-up for the knowledge-base benchmarks: a temporary database filled with copies of the corpus."""

from __future__ import annotations

import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
PACKAGED = REPO / "src" / "liandong" / "knowledge" / "data" / "corpus"


def corpus_files() -> list[Path]:
    source = SEEDS if SEEDS.exists() else PACKAGED
    return sorted(source.glob("*.txt"))


def make_copies(target: Path, copies: int) -> list[Path]:
    """Each copy gets a distinct first line, so content hashes differ and nothing is skipped."""
    files = []
    for copy in range(copies):
        for path in corpus_files():
            out = target / f"c{copy:03d}_{path.name}"
            out.write_text(f"副本{copy}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
            files.append(out)
    return files


def temporary_database() -> tuple[tempfile.TemporaryDirectory, str]:
    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{tmp.name}/bench.db"
    from liandong.config import configure

    configure(database_url=url, var_dir=Path(tmp.name) / "var")
    from liandong.db.migrate import upgrade

    upgrade(url=url)
    return tmp, url
