"""High-frequency question mining: near-duplicate clustering of consultations over a period. Pure.

Questions are compared as TF-IDF vectors of characters and character bigrams (robust to the many ways callers phrase
the same thing); pairs above a cosine threshold are linked and linked groups form a cluster. Each cluster
is represented by its medoid, the question most similar to all the others.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from liandong.core.clock import parse_aware
from liandong.core.errors import ValidationFailed
from liandong.knowledge import ranking

LOCAL = ZoneInfo("Asia/Shanghai")

# Greetings and fillers callers (and call-takers' notes) wrap around the actual question.
_FILLER_RE = re.compile(
    r"(您好|你好|喂|请问一下|请问|我想咨询一下|我想咨询|想咨询一下|咨询一下|我想问一下|我想问|想问一下|来电咨询|来电反映|市民来电|来电人|"
    r"市民|来电|咨询|谢谢|麻烦|一下|的话)"
)
_NOISE_RE = re.compile(r"1[3-9]\d{9}|\d{6,}|[\s\u3000]+")


@dataclass(frozen=True)
class Record:
    id: object
    text: str
    time: datetime
    department_code: str | None = None


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def of(cls, since: date | None, until: date | None, *, today: date, days: int = 30) -> Period:
        end = until or today
        start = since or end - timedelta(days=days - 1)
        if end < start:
            raise ValidationFailed("截止日期早于起始日期", field="until")
        return cls(start, end)

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def contains(self, moment: datetime) -> bool:
        day = moment.astimezone(LOCAL).date() if moment.tzinfo else moment.date()
        return self.start <= day <= self.end


@dataclass
class Cluster:
    question: str  # the medoid, lightly cleaned
    size: int
    ids: list = field(default_factory=list)
    first: str = ""
    last: str = ""
    keywords: list[str] = field(default_factory=list)
    department_code: str | None = None
    samples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "size": self.size,
            "ids": self.ids,
            "first": self.first,
            "last": self.last,
            "keywords": self.keywords,
            "department_code": self.department_code,
            "samples": self.samples,
        }


def normalize_question(text: str) -> str:
    text = _NOISE_RE.sub("", text or "")
    text = _FILLER_RE.sub("", text)
    return text.strip("，。？！、：；,.?!: ")


def _similar_pairs(matrix, threshold: float, chunk: int = 2000):
    """Rows i < j with cosine ≥ threshold, computed a block of rows at a time to bound memory."""
    rows_out, cols_out = [], []
    total = matrix.shape[0]
    transposed = matrix.T.tocsc()
    for start in range(0, total, chunk):
        block = (matrix[start : start + chunk] @ transposed).tocoo()
        keep = (block.data >= threshold) & (block.row + start < block.col)
        rows_out.append(block.row[keep] + start)
        cols_out.append(block.col[keep])
    if not rows_out:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return np.concatenate(rows_out), np.concatenate(cols_out)


def mine(
    records: Iterable[Record],
    *,
    period: Period | None = None,
    min_size: int = 3,
    threshold: float = 0.35,
) -> list[Cluster]:
    """Clusters of near-duplicate questions with at least min_size members, most frequent first."""
    chosen = [record for record in records if period is None or period.contains(record.time)]
    texts = [normalize_question(record.text) for record in chosen]
    keep = [i for i, text in enumerate(texts) if len(text) >= 2]
    chosen = [chosen[i] for i in keep]
    texts = [texts[i] for i in keep]
    if len(chosen) < max(min_size, 1):
        return []
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(texts).tocsr()
    rows, cols = _similar_pairs(matrix, threshold)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(texts)))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    clusters: list[Cluster] = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        sub = matrix[members]
        centrality = np.asarray((sub @ sub.T).sum(axis=1)).ravel()
        medoid = members[int(np.argmax(centrality))]
        times = sorted(chosen[i].time for i in members)
        words = Counter(word for i in members for word in set(ranking.words(texts[i])) if len(word) >= 2)
        departments = Counter(chosen[i].department_code for i in members if chosen[i].department_code)
        seen: list[str] = []
        for i in members:
            if texts[i] not in seen and i != medoid:
                seen.append(texts[i])
            if len(seen) >= 3:
                break
        clusters.append(
            Cluster(
                question=texts[medoid],
                size=len(members),
                ids=[chosen[i].id for i in members],
                first=times[0].astimezone(LOCAL).date().isoformat() if times[0].tzinfo else times[0].date().isoformat(),
                last=times[-1].astimezone(LOCAL).date().isoformat() if times[-1].tzinfo else times[-1].date().isoformat(),
                keywords=[word for word, _ in words.most_common(5)],
                department_code=departments.most_common(1)[0][0] if departments else None,
                samples=seen,
            )
        )
    # Most frequent first; among equals, the most recently asked.
    clusters.sort(key=lambda cluster: cluster.last, reverse=True)
    clusters.sort(key=lambda cluster: cluster.size, reverse=True)
    return clusters


def read_records(path: Path) -> list[Record]:
    """Consultations from a JSON-lines file: {"id":…, "text":…, "time": ISO 8601 with offset}."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                records.append(
                    Record(
                        id=data.get("id", number),
                        text=str(data["text"]),
                        time=parse_aware(str(data["time"]), field="time"),
                        department_code=data.get("department_code"),
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                if isinstance(error, ValidationFailed):
                    raise
                raise ValidationFailed(f"第 {number} 行不是有效的咨询记录（需要 id、text、time）") from None
    return records
