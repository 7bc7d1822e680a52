"""Search over passages and visible 一问一答 items: an index built from the database, cached by content version."""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog.models import Department
from liandong.config import settings
from liandong.core.errors import ValidationFailed
from liandong.knowledge import dense, ranking, thesaurus
from liandong.knowledge import question as question_text
from liandong.knowledge.models import Document, Item, Passage, Source
from liandong.knowledge.region import cities_named, scope
from liandong.knowledge.states import ItemStatus, is_visible
from liandong.knowledge.typos import HomophoneRepairer, Repair

SOURCE_TYPES = ("gazette", "newspaper", "item")
FORMAT_VERSION = "11"
COVERAGE_FLOOR = 0.5
# An experiment (sixth kb session, eval/knowledge/calibrate.py KB_SEARCH_DENSE): the share of the coverage in the
# re-ranking that is read by meaning (knowledge/dense.py soft coverage) instead of literally; 0 = off.
SEARCH_DENSE = 0.0


@dataclass
class SearchFilters:
    source_type: str | None = None  # gazette / newspaper / item
    department_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.source_type and self.source_type not in SOURCE_TYPES:
            raise ValidationFailed(f"未知的来源类型：{self.source_type}（可用：{'、'.join(SOURCE_TYPES)}）", field="source")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationFailed("截止日期早于起始日期", field="date_to")


@dataclass
class Entry:
    """What a result shows, kept in the index so a query needs no database round trip."""

    kind: str  # gazette / newspaper / item
    passage_id: int | None
    item_id: int | None
    doc_id: int | None
    title: str
    doc_number: str | None
    date: str | None
    source: str
    issuer: str | None
    department_code: str | None
    text: str
    start: int
    end: int
    first_line: int | None
    last_line: int | None
    region_code: str | None = None  # the city or province the document comes from
    region_name: str | None = None


# How much a passage's score keeps by where its document comes from. The instance's own city comes first,
# the province's documents apply here too; another city's are shown after (and labelled) unless the
# question names that city.
REGION_FACTORS = {"own": 1.0, "province": 0.97, "unknown": 0.95, "other": 0.85}
NAMED_FACTORS = {"named": 1.0, "own": 0.8, "province": 0.85, "unknown": 0.85, "other": 0.75}


# A question word jieba glued to the verb after it ("去哪补" → 哪补, "归哪管" → 哪管): the verb is the content.
_QUESTION_PREFIX = "哪啥咋谁"


def _question_words(words: list[str]) -> list[str]:
    """The question's content words: fillers dropped, a question word stripped from the word it opens."""
    kept = []
    for word in words:
        if word in question_text.QUESTION_FILLERS:
            continue
        if len(word) >= 2 and word[0] in _QUESTION_PREFIX:
            word = word.lstrip(_QUESTION_PREFIX)
        if word and word not in question_text.QUESTION_FILLERS and word not in kept:
            kept.append(word)
    return kept


def _regrouped(words: list[str], known: dict[str, float], written) -> list[str]:
    """Words jieba cut across a word boundary, put back: "隐患点有多少处" → 隐患 / 点有 becomes 隐患点 when 点有
    is no word of the knowledge base and its texts write 隐患点 (`written(text)`); the rest of the cut-off word
    is kept only when it carries content."""
    out: list[str] = []
    for word in words:
        if (
            out
            and len(word) == 2
            and word not in known
            and len(out[-1]) >= 2
            and written(out[-1] + word[0])
            and out[-1] + word[0] not in out
        ):
            out[-1] = out[-1] + word[0]
            rest = word[1:]
            if rest not in ranking.FUNCTION_CHARS and rest not in question_text.QUESTION_FILLERS:
                out.append(rest)
            continue
        out.append(word)
    return out


@dataclass
class Prepared:
    """A question made ready for the index: written form, slips repaired, query terms, what it asks for."""

    original: str
    text: str
    repairs: list[Repair]
    query: ranking.Query
    words: list[str]  # the question's own content words (before synonym expansion)
    alternates: dict[str, list[str]]  # a word → formal terms its colloquial phrase stands for
    expectation: question_text.Expectation
    cities: set[str]  # codes of the cities the question names


def _entry_tokens(entry: Entry, title_words: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    if entry.title not in title_words:
        title_words[entry.title] = ranking.words(entry.title)
    return ranking.words(entry.text), ranking.bigrams(entry.text), title_words[entry.title]


def _fields(tokens: list[tuple]) -> dict[str, list[list[str]]]:
    """Token lists per field; cached tokens are space-joined strings (tokens never contain spaces)."""

    def as_list(value) -> list[str]:
        return value.split() if isinstance(value, str) else value

    return {name: [as_list(t[i]) for t in tokens] for i, name in enumerate(("w", "b", "t"))}


def _packed(tokens: tuple) -> tuple[str, str, str]:
    return tuple(value if isinstance(value, str) else " ".join(value) for value in tokens)


def _token_key(entry: Entry) -> tuple[int | None, int]:
    # Passage ids can be reused after a source is replaced (SQLite), so the text is part of the key.
    return entry.passage_id, zlib.crc32(entry.text.encode("utf-8"))


class PassageIndex:
    """The index over documents' passages: the expensive part, cached in var_dir by passage version.

    It keeps each passage's tokens, so a rebuild after an ingest segments only the new passages.
    """

    def __init__(self, version: str, entries: list[Entry], tokens: list[tuple[list[str], list[str], list[str]]]):
        self.version = version
        self.entries = entries
        self.tokens = tokens
        self.index = ranking.InvertedIndex.build(_fields(tokens))

    def __getstate__(self) -> dict:
        # Tokens are only needed to rebuild; they live in their own cache file (see _save_cached).
        state = dict(self.__dict__)
        state["tokens"] = None
        return state

    @classmethod
    def build(
        cls, version: str, entries: list[Entry], previous: dict[tuple[int | None, int], tuple] | None = None
    ) -> PassageIndex:
        known = previous or {}
        tokens: list[tuple | None] = [known.get(_token_key(entry)) for entry in entries]
        missing: dict[int | None, list[int]] = {}
        for position, found in enumerate(tokens):
            if found is None:
                missing.setdefault(entries[position].doc_id, []).append(position)
        title_words: dict[str, list[str]] = {}
        for positions in missing.values():
            # Rebuild the document's text from its overlapping windows and segment it once.
            length = max(entries[p].end for p in positions)
            chars = ["\n"] * length
            for p in positions:
                chars[entries[p].start : entries[p].end] = entries[p].text
            windows = [(entries[p].start, entries[p].end) for p in positions]
            for p, window_words in zip(positions, ranking.words_of_windows("".join(chars), windows)):
                entry = entries[p]
                if entry.title not in title_words:
                    title_words[entry.title] = ranking.words(entry.title)
                tokens[p] = _packed((window_words, ranking.bigrams(entry.text), title_words[entry.title]))
        return cls(version, entries, tokens)

    def token_map(self) -> dict[tuple[int | None, int], tuple]:
        return {_token_key(entry): tokens for entry, tokens in zip(self.entries, self.tokens or [])}


class KnowledgeIndex:
    """Passages plus the visible items, searched as one list; items are few and rebuilt in milliseconds."""

    def __init__(self, passages: PassageIndex, items: list[Entry]):
        self.passages = passages
        self.entries = passages.entries + items
        self.items_index = ranking.InvertedIndex.build(_fields([_entry_tokens(entry, {}) for entry in items]))
        self.kinds = np.array([SOURCE_TYPES.index(entry.kind) for entry in self.entries], dtype=np.int8)
        self.by_number: dict[str, list[int]] = {}
        for position, entry in enumerate(passages.entries):
            if entry.doc_number:
                self.by_number.setdefault(entry.doc_number, []).append(position)
        self.dates = np.array(
            [date.fromisoformat(entry.date).toordinal() if entry.date else 0 for entry in self.entries], dtype=np.int32
        )
        self.idf = {
            name: {**self.items_index.idf.get(name, {}), **values} for name, values in passages.index.idf.items()
        }
        self.region_codes = np.array([entry.region_code or "" for entry in passages.entries] + ["own"] * len(items))
        self._repairer: HomophoneRepairer | None = None
        self._short_forms: dict[str, tuple[str, ...]] | None = None
        self._all_text: str | None = None

    def uses(self, text: str) -> bool:
        """Whether any passage or item contains the text (for words the index does not have as tokens)."""
        if self._all_text is None:
            self._all_text = "\n".join(entry.text for entry in self.entries)
            self._uses: dict[str, bool] = {}
        if text not in self._uses:
            if len(self._uses) > 20000:
                self._uses.clear()
            self._uses[text] = text in self._all_text
        return self._uses[text]

    def repairer(self) -> HomophoneRepairer:
        if self._repairer is None:
            vocabulary: dict[str, float] = {}
            bigrams: set[str] = set()
            for index in (self.passages.index, self.items_index):
                for term, posting in index.postings.get("w", {}).items():
                    vocabulary[term] = vocabulary.get(term, 0) + len(posting.ids)
                bigrams.update(index.postings.get("b", {}))
            # The spoken words the synonym file knows are worth repairing to as well ("还子" → 孩子), and the
            # short forms of the documents' terms are not slips ("家暴" stays).
            for phrase in self.short_forms():
                vocabulary[phrase] = max(vocabulary.get(phrase, 0), 2)
                bigrams.update(phrase[i : i + 2] for i in range(len(phrase) - 1))
            for phrase, _ in ranking.default_synonyms():
                if 2 <= len(phrase) <= 4:
                    vocabulary[phrase] = max(vocabulary.get(phrase, 0), 2)
                    bigrams.update(phrase[i : i + 2] for i in range(len(phrase) - 1))
            self._repairer = HomophoneRepairer(
                vocabulary, bigrams, skip=ranking.STOPWORDS, function_chars=ranking.FUNCTION_CHARS
            )
        return self._repairer

    def short_forms(self) -> dict[str, tuple[str, ...]]:
        """The thesaurus of the documents' own terms by their short forms (knowledge/thesaurus.py)."""
        if self._short_forms is None:
            uses: dict[str, int] = {}
            for term, posting in self.passages.index.postings.get("w", {}).items():
                uses[term] = len(posting.ids)
            self._short_forms = thesaurus.build(uses)
        return self._short_forms

    def prepare(self, question: str) -> Prepared:
        written = question_text.normalize(question)
        repaired, repairs = self.repairer().repair(written)
        cleaned, _ = ranking.expand(repaired)
        words = _question_words(ranking.content_words(cleaned)) or ranking.content_words(cleaned)
        words = _regrouped(words, self.idf.get("w", {}), self.uses)
        # Short forms of the documents' terms ("家暴" → 家庭暴力) stand in like the synonym file's phrases.
        spelled_out = tuple(thesaurus.stand_ins(words, self.short_forms()))
        synonyms = ranking.default_synonyms() + spelled_out if spelled_out else None
        query = ranking.make_query(repaired, synonyms)
        alternates: dict[str, list[str]] = {}
        for word, terms in spelled_out:
            alternates.setdefault(word, []).extend(terms)
        for phrase, terms in ranking.default_synonyms():
            if phrase in repaired:
                for word in words:
                    if word in phrase or phrase in word:
                        alternates.setdefault(word, []).extend(term for term in terms if term != word)
        return Prepared(
            original=question,
            text=repaired,
            repairs=repairs,
            query=query,
            words=words,
            alternates=alternates,
            expectation=question_text.expected(repaired),
            cities=cities_named(repaired),
        )

    def full_score(self, prepared: Prepared) -> float:
        """The score of an average-length entry holding every query term once: what a perfect match earns,
        so a result's score divided by it compares across questions."""
        total = 0.0
        for name, terms in prepared.query.terms.items():
            weight = ranking.FIELD_WEIGHTS.get(name, 0.0)
            idf_of = self.idf.get(name, {})
            total += sum(weight * query_weight * idf_of.get(term, 0.0) for term, query_weight in terms.items())
        return total

    def region_factors(self, prepared: Prepared, city_code: str | None) -> np.ndarray | None:
        if not city_code:
            return None
        codes = self.region_codes
        province = city_code[:2] + "0000"
        table = NAMED_FACTORS if prepared.cities else REGION_FACTORS
        factors = np.full(len(codes), table["other"], dtype=np.float32)
        factors[codes == ""] = table["unknown"]
        factors[codes == province] = table["province"]
        factors[(codes == city_code) | (codes == "own")] = table["own"]
        for code in prepared.cities:
            factors[codes == code] = NAMED_FACTORS["named"]
        return factors

    def scores(self, query: ranking.Query) -> np.ndarray:
        # Items are weighed with the corpus-wide rarity of their words, so their scores compare with passages'.
        return np.concatenate([self.passages.index.scores(query), self.items_index.scores(query, idf=self.idf)])

    def mask(self, filters: SearchFilters | None, department_names: dict[str, str]) -> np.ndarray | None:
        if filters is None:
            return None
        mask = np.ones(len(self.entries), dtype=bool)
        if filters.source_type:
            mask &= self.kinds == SOURCE_TYPES.index(filters.source_type)
        if filters.date_from:
            mask &= self.dates >= filters.date_from.toordinal()
        if filters.date_to:
            mask &= (self.dates > 0) & (self.dates <= filters.date_to.toordinal())
        if filters.department_code:
            name = department_names.get(filters.department_code, "\0")
            mask &= np.array(
                [
                    entry.department_code == filters.department_code or bool(entry.issuer and name in entry.issuer)
                    for entry in self.entries
                ],
                dtype=bool,
            )
        return mask

    def _rerank(self, query: ranking.Query, scores: np.ndarray, mask: np.ndarray | None, depth: int) -> np.ndarray:
        """Favour passages that cover more of the question's distinct words (weighted by rarity) over
        passages that repeat one of them: BM25 saturates, but not enough for short questions."""
        weights = {
            term: self.idf["w"].get(term, 0.0) * weight for term, weight in query.terms["w"].items() if len(term) >= 2
        }
        total = sum(weights.values())
        if total <= 0:
            return scores
        scores = scores.copy()
        question = dense.Question.of(weights, ()) if SEARCH_DENSE else None
        for index in ranking.top_indexes(scores, depth, mask):
            # The document's title is the passage's context ("晋城…规划"), so its words count too.
            text = self.entries[index].text + self.entries[index].title
            covered = sum(weight for term, weight in weights.items() if term in text)
            if SEARCH_DENSE and question is not None:
                soft = dense.soft_coverage(question, dense.text_words(text), {term: 1.0 for term in weights if term in text})
                covered = (1 - SEARCH_DENSE) * covered + SEARCH_DENSE * soft * total
            scores[index] *= COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * covered / total
        return scores

    def rank(
        self,
        prepared: Prepared,
        *,
        depth: int = 40,
        filters: SearchFilters | None = None,
        department_names: dict[str, str] | None = None,
        city_code: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores of every entry for a prepared question (and the filter mask)."""
        query = prepared.query
        scores = self.scores(query)
        # A question naming a document number (文号) wants that document first.
        for number in ranking.document_numbers(prepared.text):
            bonus = 20.0 + float(scores.max(initial=0.0)) * 0.5
            for index in self.by_number.get(number, ()):
                # The opening passage carries the title, number and issuing body.
                scores[index] += bonus * (2.0 if self.entries[index].start == 0 else 1.0)
        mask = self.mask(filters, department_names or {})
        scores = self._rerank(query, scores, mask, depth=depth)
        factors = self.region_factors(prepared, city_code)
        if factors is not None:
            scores = scores * factors
        return scores, mask

    def search(
        self,
        question: str,
        *,
        top: int = 5,
        filters: SearchFilters | None = None,
        department_names: dict[str, str] | None = None,
        city_code: str | None = None,
    ) -> list[dict]:
        prepared = self.prepare(question)
        query = prepared.query
        scores, mask = self.rank(
            prepared, depth=max(40, top * 6), filters=filters, department_names=department_names, city_code=city_code
        )
        results: list[dict] = []
        taken: list[Entry] = []
        seen_grams: list[set[str]] = []
        # Ask for more than needed: overlapping windows of one document count once.
        for index in ranking.top_indexes(scores, top * 4 + 8, mask):
            entry = self.entries[index]
            if any(
                other.doc_id == entry.doc_id and other.doc_id is not None and entry.start < other.end and other.start < entry.end
                for other in taken
            ):
                continue
            # The same plan printed by two cities' gazettes: show one copy, keep room for other answers.
            grams = {entry.text[i : i + 2] for i in range(0, len(entry.text) - 1)}
            if any(len(grams & other) > 0.95 * min(len(grams), len(other)) for other in seen_grams):
                continue
            seen_grams.append(grams)
            taken.append(entry)
            span = ranking.matched_span(entry.text, query.highlight)
            results.append(
                {
                    "doc_id": entry.doc_id,
                    "title": entry.title,
                    "doc_number": entry.doc_number,
                    "date": entry.date,
                    "source": entry.source,
                    "passage": entry.text,
                    "score": round(float(scores[index]), 4),
                    "kind": entry.kind,
                    "passage_id": entry.passage_id,
                    "item_id": entry.item_id,
                    "start": entry.start,
                    "end": entry.end,
                    "first_line": entry.first_line,
                    "last_line": entry.last_line,
                    "span": list(span) if span else None,
                    "matched": entry.text[span[0] : span[1]] if span else None,
                    **region_fields(entry, city_code),
                }
            )
            if len(results) >= top:
                break
        return results


def region_fields(entry: Entry, city_code: str | None) -> dict:
    """city (name), scope (own / province / other / unknown) and other_city, for labelling a result."""
    if entry.kind == "item":
        return {"city": None, "scope": "own", "other_city": False}
    where = scope(entry.region_code, city_code or "")
    return {"city": entry.region_name, "scope": where, "other_city": where == "other"}


def passage_version(session: Session) -> str:
    """Changes whenever passages change (ingest, re-ingest of a changed file).

    Counts and the last id alone could repeat after a replacement (SQLite reuses ids), so the sources'
    content hashes are part of it.
    """
    count, last = session.execute(select(func.count(Passage.id), func.max(Passage.id))).one()
    digest = hashlib.sha1(f"{FORMAT_VERSION}|{count}|{last}".encode())
    for source_id, sha256 in session.execute(select(Source.id, Source.sha256).order_by(Source.id)):
        digest.update(f"|{source_id}:{sha256}".encode())
    return digest.hexdigest()[:16]


def item_version(session: Session, *, today: date) -> str:
    """Changes whenever published items, the day (validity dates) or the synonym file change."""
    items = session.execute(
        select(func.count(Item.id), func.max(Item.updated_at), func.max(Item.id)).where(Item.status == ItemStatus.PUBLISHED.value)
    ).one()
    synonyms = ranking.DATA_DIR / "synonyms.tsv"
    return f"{items}|{today.isoformat()}|{synonyms.stat().st_mtime_ns}"


def load_passage_entries(session: Session) -> list[Entry]:
    entries: list[Entry] = []
    rows = session.execute(
        select(
            Passage,
            Document.title,
            Document.doc_number,
            Document.issued_on,
            Document.issuer,
            Document.region_code,
            Document.region_name,
            Source.name,
            Source.kind,
        )
        .join(Document, Passage.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .order_by(Passage.id)
    )
    for passage, title, doc_number, issued_on, issuer, region_code, region_name, source_name, source_kind in rows:
        entries.append(
            Entry(
                kind=source_kind,
                passage_id=passage.id,
                item_id=None,
                doc_id=passage.document_id,
                title=title,
                doc_number=doc_number,
                date=issued_on.isoformat() if issued_on else None,
                source=source_name,
                issuer=issuer,
                department_code=None,
                text=passage.text,
                start=passage.start_offset,
                end=passage.end_offset,
                first_line=passage.first_line,
                last_line=passage.last_line,
                region_code=region_code,
                region_name=region_name,
            )
        )
    return entries


def load_item_entries(session: Session, *, today: date) -> list[Entry]:
    entries: list[Entry] = []
    items = session.scalars(select(Item).where(Item.status == ItemStatus.PUBLISHED.value).order_by(Item.id))
    names = dict(session.execute(select(Department.code, Department.name)).all())
    for item in items:
        if not is_visible(item.status, item.valid_from, item.valid_until, today):
            continue
        text = f"{item.question}\n{item.answer}"
        entries.append(
            Entry(
                kind="item",
                passage_id=None,
                item_id=item.id,
                doc_id=None,
                title=item.question,
                doc_number=None,
                date=(item.valid_from or (item.published_at.date() if item.published_at else None)).isoformat()
                if (item.valid_from or item.published_at)
                else None,
                source="知识库一问一答",
                issuer=names.get(item.department_code),
                department_code=item.department_code,
                text=text,
                start=0,
                end=len(text),
                first_line=None,
                last_line=None,
            )
        )
    return entries


_passages_memory: dict[str, PassageIndex] = {}  # by database URL, the latest version only
_memory: dict[str, KnowledgeIndex] = {}
_memory_keys: dict[str, tuple[str, str]] = {}


def _cache_path(url: str) -> Path:
    return Path(settings().var_dir) / "kb_index" / f"passages-{hashlib.sha1(url.encode()).hexdigest()[:16]}.pkl"


def _load_cached(path: Path):
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # a torn, stale or foreign cache file is rebuilt, never trusted
        return None


def _save_cached(path: Path, payload) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError:
        pass  # the cache is an optimisation; searching works without it


def _prune(directory: Path, keep: int = 16) -> None:
    """One cache per database URL; throw-away databases (tests, benchmarks) must not pile up."""
    try:
        caches = sorted(directory.glob("passages-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in caches[keep * 2 :]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def passage_index(session: Session, *, use_disk: bool = True) -> PassageIndex:
    """The passage index for the current content: from memory, else var_dir, else (re)built and saved."""
    bind = session.get_bind()
    url = str(getattr(bind, "engine", bind).url)
    version = passage_version(session)
    current = _passages_memory.get(url)
    if current is not None and current.version == version:
        return current
    path = _cache_path(url)
    cached = _load_cached(path) if use_disk and path.exists() else None
    if isinstance(cached, PassageIndex) and cached.version == version:
        index = cached
    else:
        tokens_path = path.with_name(path.stem + "-tokens.pkl")
        previous = current.token_map() if current is not None and current.tokens else None
        if previous is None and use_disk and tokens_path.exists():
            loaded = _load_cached(tokens_path)
            # Tokens made by another version of the code are not reused.
            if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == FORMAT_VERSION:
                previous = loaded[1]
        index = PassageIndex.build(version, load_passage_entries(session), previous=previous)
        if use_disk:
            _save_cached(path, index)
            _save_cached(tokens_path, (FORMAT_VERSION, index.token_map()))
            _prune(path.parent)
    _passages_memory[url] = index
    return index


def get_index(session: Session, *, today: date, use_disk: bool = True) -> KnowledgeIndex:
    passages = passage_index(session, use_disk=use_disk)
    bind = session.get_bind()
    url = str(getattr(bind, "engine", bind).url)
    key = (passages.version, item_version(session, today=today))
    if _memory_keys.get(url) == key:
        return _memory[url]
    index = KnowledgeIndex(passages, load_item_entries(session, today=today))
    _memory[url], _memory_keys[url] = index, key
    return index


def search(
    session: Session,
    *,
    question: str,
    today: date,
    top: int = 5,
    filters: SearchFilters | None = None,
    city_code: str | None = None,
) -> list[dict]:
    """Passages and visible items for a question, best first; the instance's own city first (settings.city_code)."""
    question = (question or "").strip()
    if not question:
        raise ValidationFailed("请输入要查询的问题", field="question")
    if not 1 <= top <= 100:
        raise ValidationFailed("返回条数应在 1 到 100 之间", field="top")
    index = get_index(session, today=today)
    names = {}
    if filters and filters.department_code:
        department = session.get(Department, filters.department_code)
        if department is None:
            raise ValidationFailed(f"单位不存在：{filters.department_code}", field="department_code")
        names = {department.code: department.name}
    return index.search(
        question, top=top, filters=filters, department_names=names, city_code=city_code or settings().city_code
    )


def list_documents(session: Session, *, source_type: str | None = None) -> list[dict]:
    statement = (
        select(Document, Source)
        .join(Source, Document.source_id == Source.id)
        .order_by(Source.name, Document.seq)
    )
    if source_type:
        statement = statement.where(Source.kind == source_type)
    counts = dict(session.execute(select(Passage.document_id, func.count(Passage.id)).group_by(Passage.document_id)).all())
    return [
        {
            "doc_id": document.id,
            "title": document.title,
            "doc_number": document.doc_number,
            "issuer": document.issuer,
            "date": document.issued_on.isoformat() if document.issued_on else None,
            "publication": document.publication,
            "attachments": document.attachments,
            "byline": document.byline,
            "region_code": document.region_code,
            "city": document.region_name,
            "kind": document.kind,
            "source": source.name,
            "source_type": source.kind,
            "source_path": source.path,
            "first_line": document.first_line,
            "last_line": document.last_line,
            "chars": len(document.text),
            "passages": counts.get(document.id, 0),
        }
        for document, source in session.execute(statement)
    ]
