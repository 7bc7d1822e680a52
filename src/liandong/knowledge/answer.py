"""Knowledge answers: the sentence that answers a caller's question, with its citation and a confidence,
or an honest "not in the knowledge base".

Over the search index: the question is put in written form and its slips repaired, passages and visible
一问一答 are ranked (the instance's own city first), the best answering sentence of each of the first
candidates is picked (knowledge/extract.py), and a calibrated model decides whether the best one answers
at all. A published 一问一答 that answers comes before any gazette passage.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from liandong.config import settings
from liandong.core.errors import ValidationFailed
from liandong.knowledge import dense, extract, ranking
from liandong.knowledge import search as search_service
from liandong.knowledge.question import QUESTION_FILLERS, Form, asked_form, asked_part, form_fit, satisfies

NOT_FOUND = "知识库中没有找到可靠答案"
CANDIDATES = 20  # passages and items whose sentences are read
MAX_QUESTION = 500
ITEM_WHOLE_ANSWER = 240  # a curated answer up to this length is read out whole
ITEM_FIRST_SHARE = 0.5  # an item goes first when the ranker gives it at least this share of the best sentence's probability …
ITEM_FIRST_SIMILARITY = 0.5  # … and its question and the caller's share at least half their words both ways
JOIN_SHARE = 0.2  # the next sentence of the same passage joins the answer when the ranker gives it this share of the best's probability …
JOIN_MAX = 160  # … and the two together stay this short (characters)
# Dense (word-vector) features are computed when the model reads them (None), always (True) or never (False):
# eval/knowledge/calibrate.py sets it to fit and judge them (KB_DENSE=1 / KB_DENSE=0).
DENSE: bool | None = None
DENSE_VALUE = 0.0  # weight of the dense soft-only coverage in the first, cheap ordering, when dense features are on


@dataclass
class Candidate:
    position: int  # in the index's entries
    entry: search_service.Entry
    score: float
    choice: extract.Choice
    value: float  # a first ordering: sentence fit plus the passage's relative score
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0  # the ranker's: this sentence holds the answer (shares over the candidates)
    fit: float = 0.0  # the ranker's score before the softmax: how well the sentence fits, on an absolute scale
    dense: dict[str, float] = field(default_factory=dict)  # knowledge/dense.py's features, when computed

    @property
    def sentence(self) -> str:
        return self.entry.text[self.choice.span.start : self.choice.span.end]


@dataclass
class Decision:
    prepared: search_service.Prepared
    full_score: float
    candidates: list[Candidate]  # best first
    unknown: float
    features: dict[str, float]  # of the question and its best candidate, for the decider
    probability: float  # the decider's: the best candidate answers the question
    unknown_words: frozenset[str] = frozenset()  # the question's words the knowledge base never uses


# Lines of a document that are never an answer unless the question asks which document it is.
_HEADING_RE = re.compile(r"^(?:[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号|（此件.{2,8}）|\d{4}年\d{1,2}月\d{1,2}日|各[县区市乡镇].{0,60}：?)$")
# A pointer to an attachment ("附件：…名单（见网络）", "1.…规划项目（见网络）") names a list the text does not hold.
_ATTACHMENT_RE = re.compile(r"^(?:附件[：:\d]|.{0,80}（见网络）$)")
# The cover notice's transmission formula ("《…方案》已经市人民政府同意，现印发给你们，请认真组织实施。",
# "…经市政府同意，现将有关事项通知如下") says that a document is issued, not what it provides.
_COVER_NOTICE_RE = re.compile(r"现(?:将.{0,60})?(?:印发|转发)给你们|现将有关.{0,10}通知如下|^请(?:认真)?(?:贯彻落实|组织实施|遵照执行)。?$")
_PROCEDURE_RE = re.compile(r"(?:怎么|如何|去哪|在哪|到哪)(?:里|儿)?(?:申请|办理|交|缴|领|补|激活|注册|报名|预约|投诉|举报|查|安装|续签)|要带什么|需要什么材料|什么手续|哪个(?:网站|电话|app|App|窗口)")
# What kind of question it is, read from its form: a yes/no question about a rule ("能不能", "管不管") is
# what policies answer; a contact, an opening time or a fee is what they seldom state.
_YES_NO_RE = re.compile(r"(.)不\1|能否|可否|是否|有没有|吗$|没有?$")
_CONTACT_RE = re.compile(r"电话|号码|热线是|地址|网址|几点|开门|营业时间|上班时间|办公时间|门票|票价|收费标准")
_DOC_NUMBER_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号$")
_ASKS_DOCUMENT_RE = re.compile(r"什么文件|哪个文件|哪份文件|文件名|讲的是什么|讲的什么|讲什么|是什么通知|标题")


_PUNCTUATION = frozenset("。，；：、！？,;:!?")
_PLAN_PART_RE = re.compile(r"(?:方案|规划|意见|通知|办法|计划|要求|措施|目标|原则|思想|任务|机制|制度|体系|领域)$")
SHORT_HEADING = 11  # characters, the full stop included
# … unless it opens with what is to be done: "建立长期护理保险制度。" is a provision, not the name of one.
_ACTION_RE = re.compile(r"(?:建立|健全|完善|加强|推进|推动|落实|实施|强化|深化|提高|提升|开展|促进|保障|扩大|探索|实行|执行|制定|严格|全面|加快|支持|鼓励)")
_NUMBERING_RE = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)．.、]|[一二三四五六七八九十]是)")


def _heading_line(sentence: str) -> bool:
    """A section heading or subhead ("2.人为活动", "平安底色更加鲜亮", a plan's title repeated in its body):
    no punctuation and no figure once its numbering is off — it names a topic and answers nothing. A short
    one closed by a full stop names a part of the plan the same way ("分级响应机制。")."""
    body = _NUMBERING_RE.sub("", sentence, count=1)
    if body.endswith("。") and len(body) <= SHORT_HEADING and _PLAN_PART_RE.search(body[:-1]) and not _ACTION_RE.match(body):
        body = body[:-1]
    if any(char in _PUNCTUATION or char.isdigit() for char in body):
        return False
    # A longer line without punctuation may be an entry of a list ("15.忻州市住房公积金管理中心"): a heading
    # only when it names a part of a plan.
    return len(body) <= 8 or (len(body) <= 30 and bool(_PLAN_PART_RE.search(body)))


def _inside_title(sentence: str, title: str) -> bool:
    """The plan's own title printed in its body ("忻州市推进多式联运…实施方案（2023—2025年）" inside the
    title of the notice that issues it): a name, not an answer."""
    return len(sentence) >= 8 and sentence in title and not any(mark in sentence for mark in "。，；")


def _unknown_words(index: search_service.KnowledgeIndex, prepared: search_service.Prepared) -> set[str]:
    """The question's words the knowledge base never uses, not even through a formal stand-in."""
    idf = index.idf.get("w", {})
    return {
        word
        for word in prepared.words
        if word not in idf and not any(alternate in idf for alternate in prepared.alternates.get(word, ())) and not index.uses(word)
    }


def _terms(index: search_service.KnowledgeIndex, prepared: search_service.Prepared) -> tuple[extract.Terms, float]:
    """The question's words weighted by rarity (a word the knowledge base never uses weighs most), and the
    share of that weight the knowledge base does not know at all."""
    idf = index.idf.get("w", {})
    ceiling = max(idf.values(), default=1.0)
    weights: dict[str, float] = {}
    unknown = 0.0
    for word in prepared.words:
        weight = idf.get(word)
        known = weight is not None or any(alternate in idf for alternate in prepared.alternates.get(word, ()))
        if weight is None and len(word) >= 2 and index.uses(word):
            # A name the index holds only as single characters ("武俊德"): rare, and present.
            weight, known = 0.8 * ceiling, True
        weight = (weight if weight is not None else ceiling) * (0.5 if len(word) == 1 else 1.0)
        if not known:
            unknown += weight
        weights[word] = weight
    total = sum(weights.values())
    grams = frozenset(term for term, weight in prepared.query.terms.get("b", {}).items() if weight >= 1.0)
    alternates = {word: tuple(terms) for word, terms in prepared.alternates.items()}
    return extract.Terms(weights, alternates, grams), (unknown / total if total else 1.0)


SENTENCES_PER_PASSAGE = 3  # the ranker chooses among this many sentences of each passage …
FEATURED = 18  # … and among this many candidates overall (the best by a first, cheap ordering)


def _choose(entry: search_service.Entry, terms: extract.Terms, fits, exclude, seen=None) -> list[extract.Choice]:
    if entry.kind == "item":
        # A curated answer is read out as written; it is matched with its question.
        answer_start = len(entry.title) + 1
        span = extract.Span(answer_start, len(entry.text))
        if span.end - span.start > ITEM_WHOLE_ANSWER:
            inner = extract.best_sentence(entry.text, terms, fits, context=entry.title, region=span, max_answer=ITEM_WHOLE_ANSWER)
            span = inner.span if inner else span
        answer_text = entry.text[span.start : span.end]
        covered = extract.coverage(entry.text, terms)
        grams = extract.bigram_coverage(entry.text, terms)
        fit = fits(answer_text)
        return [extract.Choice(span, 0.7 * covered + 0.2 * grams + 0.25 * fit, covered, grams, fit)]
    return extract.best_sentences(
        entry.text, terms, fits, context=entry.title, exclude=exclude, keep=SENTENCES_PER_PASSAGE, seen=seen
    )


def _focus(prepared: search_service.Prepared) -> list[str]:
    """What the question is about in the end: its last content words of two characters or more
    ("宅基地能买卖吗" → 买卖; a light verb such as 带 or 交 is passed over)."""
    words = [word for word in prepared.words if not word.isdigit() and len(word) >= 2] or [
        word for word in prepared.words if not word.isdigit()
    ]
    return words[-2:]


def _features(
    candidate: Candidate,
    *,
    terms: extract.Terms,
    focus: list[str],
    top_score: float,
    rival: float,
    numbers: set[str],
    unknown: set[str],
    question_words: str,
    chars: frozenset[str] = frozenset(),
    grams: Grams | None = None,
    form: Form | None = None,
    figures: frozenset[str] = frozenset(),
) -> dict[str, float]:
    entry = candidate.entry
    sentence = candidate.sentence
    around = sentence + entry.title
    known_missing, unknown_missing = _missing_counts(around, terms, unknown)
    passage_known_missing, _ = _missing_counts(entry.text + entry.title, terms, unknown)
    last = focus[-1] if focus else ""
    return {
        "coverage": candidate.choice.coverage,
        "context_coverage": extract.coverage(around, terms),
        "passage_coverage": extract.coverage(entry.text + entry.title, terms),
        "bigrams": candidate.choice.bigrams,
        "fits": candidate.choice.fits,
        "misfit": 1.0 if candidate.choice.fits == 0.0 else 0.0,
        "focus": extract.word_found(around, last, terms.alternates.get(last, ())) if last else 0.5,
        "focus_passage": extract.word_found(entry.text + entry.title, last, terms.alternates.get(last, ())) if last else 0.5,
        "focus_both": (
            sum(extract.word_found(around, word, terms.alternates.get(word, ())) for word in focus) / len(focus) if focus else 0.5
        ),
        "missing": extract.missing_weight(around, terms),
        "log_score": math.log1p(max(candidate.score, 0.0)),
        "relative": candidate.score / top_score if top_score > 0 else 0.0,
        "margin": (candidate.score - rival) / candidate.score if candidate.score > 0 else 0.0,
        "item": 1.0 if entry.kind == "item" else 0.0,
        "length": math.log1p(len(sentence)),
        "missing_share": _missing_share(around, terms),
        "sentence_bm25": _sentence_bm25(sentence, terms),

        "known_missing": float(known_missing),
        "unknown_missing": float(unknown_missing),
        "passage_known_missing": float(passage_known_missing),
        "named_document": 1.0 if entry.doc_number and entry.doc_number in numbers else 0.0,
        # A 一问一答 answers when its own question is the caller's: both ways round (0 for passages).
        "item_question": extract.coverage(entry.title, terms) if entry.kind == "item" else 0.0,
        "item_reverse": _reverse_coverage(entry.title, question_words) if entry.kind == "item" else 0.0,
        "title": 1.0 if sentence == entry.title else 0.0,
        # Characters in common: a caller's word and the document's often share characters, not words
        # ("车牌子" / "牌照", "眼睛有毛病" / "眼病").
        "chars": _char_share(sentence, chars),
        "chars_context": _char_share(around, chars),
        # Runs of characters in common (character trigrams, the longest common stretch): the question's
        # wording kept together, which words alone do not see ("扩大救助年龄范围" / "救助年龄").
        **(grams.features(sentence, around) if grams is not None else {}),
        # The kind of statement the question's form asks for (how a wrong is dealt with, a cause, a plan,
        # a body's duty, a list), as "fits" is for a figure.
        "form_fit": form_fit(sentence, form),
        # The figures the question names (a year, 12345, a count) stated where the answer is: "到2030年…"
        # asks about the 2030 target, not the 2023 one (0.5 when the question names none).
        "figures": figure_share(around, figures),
        # A row of a table the extraction ran together ("…项目省级高平市主城区序号项目名称层级建设地点") is one
        # long stretch without a comma; prose seldom is.
        "unpunctuated": min(_longest_unpunctuated(sentence), 80) / 80,
    }


_PUNCTUATION_RE = re.compile(r"[，。、；：！？,.;:!?（）()“”《》\s]")


def _longest_unpunctuated(text: str) -> int:
    """The longest stretch of the text without punctuation (characters)."""
    return max((len(part) for part in _PUNCTUATION_RE.split(text)), default=0)


_FIGURE_RE = re.compile(r"\d+(?:\.\d+)?")


def question_figures(text: str) -> frozenset[str]:
    """The figures a question names (digit runs: years, hotline numbers, counts)."""
    return frozenset(_FIGURE_RE.findall(text))


def figure_share(text: str, figures: frozenset[str]) -> float:
    """The share of the question's figures the text states as whole figures; 0.5 when there are none."""
    if not figures:
        return 0.5
    stated = set(_FIGURE_RE.findall(text))
    return sum(1 for figure in figures if figure in stated) / len(figures)


@dataclass(frozen=True)
class Grams:
    """The question's character trigrams and content runs, for matching its wording in a sentence."""

    trigrams: frozenset[str]
    runs: tuple[str, ...]  # the question's Chinese runs, light characters at their ends removed

    @classmethod
    def of(cls, text: str) -> Grams:
        runs = []
        for run in re.findall(r"[\u4e00-\u9fff]+", text):
            run = run.strip("".join(_LIGHT_CHARS) + "".join(ranking.FUNCTION_CHARS))
            if len(run) >= 2:
                runs.append(run)
        trigrams = frozenset(
            run[i : i + 3]
            for run in runs
            for i in range(len(run) - 2)
            if sum(1 for char in run[i : i + 3] if char in _LIGHT_CHARS or char in ranking.FUNCTION_CHARS) <= 1
        )
        return cls(trigrams, tuple(runs))

    def longest(self, text: str) -> int:
        """The longest stretch of the question's runs found in the text (characters)."""
        best = 0
        for run in self.runs:
            for start in range(len(run) - best):
                end = start + best + 1
                while end <= len(run) and run[start:end] in text:
                    end += 1
                best = max(best, end - 1 - start)
        return best

    def features(self, sentence: str, around: str) -> dict[str, float]:
        # Trigrams are counted in the sentence with its title: in the sentence alone they favoured a
        # sentence repeating the question's wording over the one answering it (out of fold, kb session).
        longest = self.longest(sentence)
        return {
            "trigrams_context": sum(1 for gram in self.trigrams if gram in around) / len(self.trigrams) if self.trigrams else 0.0,
            "longest": min(longest, 10) / 10.0,
            "longest_share": longest / max(sum(len(run) for run in self.runs), 1),
        }


def _char_share(text: str, chars: frozenset[str]) -> float:
    return sum(1 for char in chars if char in text) / len(chars) if chars else 0.0


# Characters that carry no content of their own in a question.
_LIGHT_CHARS = frozenset("谁哪几啥咋怎么吗呢何多少什样请问一下个我你他她们这那些里儿")


def _content_chars(text: str) -> frozenset[str]:
    return frozenset(
        char for char in text if "\u4e00" <= char <= "\u9fff" and char not in ranking.FUNCTION_CHARS and char not in _LIGHT_CHARS
    )


def _missing_counts(text: str, terms: extract.Terms, unknown: set[str]) -> tuple[int, int]:
    """(words the knowledge base uses elsewhere but this text lacks, words it never uses), two characters or more."""
    known_missing = unknown_missing = 0
    for word in terms.weights:
        if len(word) < 2 or extract.word_found(text, word, terms.alternates.get(word, ())) >= 1.0:
            continue
        if word in unknown:
            unknown_missing += 1
        else:
            known_missing += 1
    return known_missing, unknown_missing


SENTENCE_AVERAGE = 60.0  # characters: the length normalisation of the sentence-level BM25


def _sentence_bm25(sentence: str, terms: extract.Terms, k1: float = 1.2, b: float = 0.75) -> float:
    """BM25 of the sentence alone over the question's words (substring counts), relative to a perfect match."""
    total = terms.total
    if total <= 0 or not sentence:
        return 0.0
    norm = k1 * (1 - b + b * len(sentence) / SENTENCE_AVERAGE)
    found = 0.0
    for word, weight in terms.weights.items():
        count = sentence.count(word) or (1 if any(alternate in sentence for alternate in terms.alternates.get(word, ())) else 0)
        if count:
            found += weight * count * (k1 + 1) / (count + norm)
    return found / (total * (k1 + 1) / (1 + k1))


def _reverse_coverage(item_question: str, question: str) -> float:
    """Share of an item question's content words (two characters or more) that the caller's question has."""
    words = [word for word in ranking.content_words(item_question) if len(word) >= 2 and word not in QUESTION_FILLERS]
    if not words:
        return 0.0
    return sum(1 for word in words if word in question) / len(words)


def _missing_share(text: str, terms: extract.Terms) -> float:
    """Share of the question's words (two characters or more) the text lacks, formal stand-ins counted."""
    words = [word for word in terms.weights if len(word) >= 2] or list(terms.weights)
    if not words:
        return 0.0
    missing = sum(1 for word in words if extract.word_found(text, word, terms.alternates.get(word, ())) < 1.0)
    return missing / len(words)


def _source_key(entry: search_service.Entry) -> tuple:
    return ("item", entry.item_id) if entry.kind == "item" else ("doc", entry.doc_id)


def _same_source(a: search_service.Entry, b: search_service.Entry) -> bool:
    if a.kind == "item" or b.kind == "item":
        return a.item_id is not None and a.item_id == b.item_id
    return a.doc_id == b.doc_id


def _decider_features(
    decision_candidates: list[Candidate],
    unknown: float,
    prepared: search_service.Prepared,
    full_score: float = 0.0,
    unknown_words: frozenset[str] | set[str] = frozenset(),
) -> dict[str, float]:
    best = decision_candidates[0]
    runner_up = next((c for c in decision_candidates[1:] if not _same_source(c.entry, best.entry)), None)
    features = dict(best.features)
    features.update(
        {
            "ranker": best.probability,
            "ranker_gap": best.probability - (runner_up.probability if runner_up else 0.0),
            # The listwise ranker's probabilities are shares among the candidates; its score says how well
            # the best one fits in absolute terms, and by how much it beats another source's best.
            "ranker_fit": best.fit,
            "ranker_fit_gap": min(best.fit - runner_up.fit, 10.0) if runner_up else 10.0,
            "unknown": unknown,
            "score_share": min(best.score / full_score, 2.0) if full_score > 0 else 0.0,
            # Procedures ("怎么申请", "去哪办") are what gazettes seldom spell out; 一问一答 do.
            "asks_procedure": 1.0 if _PROCEDURE_RE.search(prepared.text) else 0.0,
            "fits_nearby": max((c.choice.fits for c in decision_candidates[:3]), default=0.0),
            "asks_yes_no": 1.0 if _YES_NO_RE.search(prepared.text) else 0.0,
            "asks_contact": 1.0 if _CONTACT_RE.search(prepared.text) else 0.0,
            # A fee asked for is seldom stated: that prior holds only when the chosen sentence states no
            # amount (a fee asked and an amount found is as good as any answer).
            "money_missing": 1.0 if prepared.expectation.kind == "money" and best.choice.fits != 1.0 else 0.0,
            # What the question is about in the end is a word the knowledge base never uses ("续签").
            "focus_unknown": 1.0 if (focus := _focus(prepared)) and focus[-1] in unknown_words else 0.0,
        }
    )
    return features


def _add_dense(found: list[Candidate], index: search_service.KnowledgeIndex, terms: extract.Terms, focus: list[str]) -> None:
    """The dense features of each candidate (knowledge/dense.py), added to its lexical ones."""
    if not found:
        return
    idf = index.idf.get("w", {})
    ceiling = dense.ceiling(idf)
    question = dense.Question.of(terms.weights, focus)
    sentences = [dense.text_words(candidate.sentence) for candidate in found]
    passages: dict[int, object] = {}
    for candidate in found:
        if candidate.position not in passages:
            passages[candidate.position] = dense.text_words(candidate.entry.text).mean(idf, ceiling)
    values = dense.batch_features(
        question,
        sentences,
        [dense.text_words(candidate.entry.title) for candidate in found],
        [extract.found_words(candidate.sentence + candidate.entry.title, terms) for candidate in found],
        [passages[candidate.position] for candidate in found],
        [sentence.mean(idf, ceiling) for sentence in sentences],
        [sentence.weights(idf, ceiling) for sentence in sentences],
    )
    for candidate, features in zip(found, values):
        candidate.dense = features


def decide(
    index: search_service.KnowledgeIndex,
    question: str,
    *,
    city_code: str | None,
    model: extract.AnswerModel | None = None,
) -> Decision:
    """Every candidate answer for a question, best first, with the ranker's and the decider's probabilities."""
    model = model or extract.default_model()
    prepared = index.prepare(question)
    scores, _ = index.rank(prepared, city_code=city_code)
    positions = ranking.top_indexes(scores, CANDIDATES)
    terms, unknown = _terms(index, prepared)
    if not positions or terms.total <= 0:
        return Decision(prepared, 0.0, [], unknown, {}, 0.0)
    expectation = prepared.expectation
    asks_document = bool(ranking.document_numbers(prepared.text) or _ASKS_DOCUMENT_RE.search(prepared.text))

    # Numbers the question itself names (12345, 110, 2025) do not answer "多少" or "什么时候".
    own_numbers = sorted(set(re.findall(r"\d+", prepared.text)), key=len, reverse=True)

    def fits(sentence: str) -> float:
        for number in own_numbers:
            sentence = sentence.replace(number, "")
        return satisfies(sentence, expectation)

    top_score = float(scores[positions[0]])
    found: list[Candidate] = []
    seen: set[tuple] = set()
    sentences_seen: dict[int | None, set[tuple[int, int]]] = {}
    for position in positions:
        entry = index.entries[position]

        def exclude(sentence: str, title: str = entry.title) -> bool:
            # A document number alone never answers; the title does when the question asks which document.
            if _DOC_NUMBER_LINE_RE.match(sentence):
                return True
            if asks_document:
                return False
            return (
                sentence == title
                or _inside_title(sentence, title)
                or bool(_HEADING_RE.match(sentence))
                or bool(_ATTACHMENT_RE.match(sentence))
                or bool(_COVER_NOTICE_RE.search(sentence))
                or _heading_line(sentence)
            )

        score = float(scores[position])
        # Sentences this document's higher-scored windows already offered are not scored again.
        offered = sentences_seen.setdefault(entry.doc_id, set()) if entry.kind != "item" else set()

        def already_scored(span: extract.Span, offset: int = entry.start, offered: set = offered) -> bool:
            key = (offset + span.start, offset + span.end)
            if key in offered:
                return True
            offered.add(key)
            return False

        for choice in _choose(entry, terms, fits, exclude, already_scored if entry.kind != "item" else None):
            # Overlapping windows of one document offer the same sentence: keep the best-scored one.
            key = (
                ("item", entry.item_id)
                if entry.kind == "item"
                else (entry.doc_id, entry.start + choice.span.start, entry.start + choice.span.end)
            )
            if key in seen:
                continue
            seen.add(key)
            found.append(Candidate(position, entry, score, choice, choice.score + 0.35 * score / top_score))
    if not found:
        return Decision(prepared, 0.0, [], unknown, {}, 0.0)
    focus = _focus(prepared)
    use_dense = DENSE if DENSE is not None else any(name in dense.FEATURES for name in (*model.ranker.features, *model.decider.features))
    if use_dense and DENSE_VALUE:
        # What the words alone did not see counts in the first ordering too, so a paraphrase is featured.
        _add_dense(found, index, terms, focus)
        for candidate in found:
            candidate.value += DENSE_VALUE * candidate.dense["dense_soft_only"]
    # Features for the most promising candidates only: the rest would not be chosen anyway.
    found.sort(key=lambda candidate: -candidate.value)
    found = found[:FEATURED]
    if use_dense and not DENSE_VALUE:
        _add_dense(found, index, terms, focus)
    full_score = index.full_score(prepared)
    numbers = set(ranking.document_numbers(prepared.text))
    unknown_words = _unknown_words(index, prepared)
    # The caller's question with its formal stand-ins, for matching an item's question against it.
    question_words = prepared.text + "".join(term for terms_ in prepared.alternates.values() for term in terms_)
    chars = _content_chars(prepared.text)
    grams = Grams.of(prepared.text)
    form = asked_form(prepared.text)
    figures = question_figures(prepared.text)
    # The best score of another document (or item) than the candidate's own: the top two sources suffice.
    by_source: dict[tuple, float] = {}
    for candidate in found:
        key = _source_key(candidate.entry)
        by_source[key] = max(by_source.get(key, 0.0), candidate.score)
    leaders = sorted(by_source.items(), key=lambda pair: -pair[1])[:2]
    for candidate in found:
        key = _source_key(candidate.entry)
        rival = next((score for source, score in leaders if source != key), 0.0)
        candidate.features = _features(
            candidate, terms=terms, focus=focus, top_score=top_score, rival=rival, numbers=numbers, unknown=unknown_words,
            question_words=question_words, chars=chars, grams=grams, form=form, figures=figures,
        )
        candidate.features.update(candidate.dense)
    for candidate, fit, probability in zip(found, *model.ranked([candidate.features for candidate in found])):
        candidate.fit, candidate.probability = fit, probability
    found.sort(key=lambda candidate: (-candidate.probability, -candidate.value))
    # A published 一问一答 that answers comes before any passage: when the ranker holds it nearly as
    # likely as the best sentence and the decider would give it as an answer.
    for candidate in found:
        if candidate.entry.kind != "item":
            continue
        similar = candidate.features["item_question"] >= ITEM_FIRST_SIMILARITY and candidate.features["item_reverse"] >= ITEM_FIRST_SIMILARITY
        if (
            candidate is not found[0]
            and similar
            and candidate.probability >= ITEM_FIRST_SHARE * found[0].probability
        ):
            as_best = [candidate, *[other for other in found if other is not candidate]]
            if model.decider.probability(_decider_features(as_best, unknown, prepared, full_score, unknown_words)) >= model.threshold:
                found = as_best
        break
    features = _decider_features(found, unknown, prepared, full_score, unknown_words)
    return Decision(prepared, full_score, found, unknown, features, model.decider.probability(features), frozenset(unknown_words))


def _citation(candidate: Candidate, city_code: str | None) -> dict:
    entry = candidate.entry
    span = candidate.choice.span
    region = search_service.region_fields(entry, city_code)
    if entry.kind == "item":
        # Offsets in the item's answer (kb_items.answer).
        offset = len(entry.title) + 1
        start, end = span.start - offset, span.end - offset
    else:
        # Offsets in the document's stored text (kb_documents.text).
        start, end = entry.start + span.start, entry.start + span.end
    return {
        "title": entry.title,
        "doc_number": entry.doc_number,
        "source": entry.source,
        "issuer": entry.issuer,
        "date": entry.date,
        "start": start,
        "end": end,
        "city": region["city"],
        "other_city": region["other_city"],
        "scope": region["scope"],
        "kind": entry.kind,
        "doc_id": entry.doc_id,
        "passage_id": entry.passage_id,
        "item_id": entry.item_id,
        "passage_start": span.start,
        "passage_end": span.end,
        "first_line": entry.first_line,
        "last_line": entry.last_line,
    }


def _shown(candidate: Candidate, city_code: str | None, confidence: float | None = None) -> dict:
    entry = candidate.entry
    span = candidate.choice.span
    return {
        "answer": entry.text[span.start : span.end],
        "confidence": round(candidate.probability if confidence is None else confidence, 3),
        "citation": _citation(candidate, city_code),
        "passage": entry.text,
    }


def _reasons(decision: Decision, answered: bool, city_code: str | None) -> list[str]:
    prepared = decision.prepared
    reasons = [f"按“{repair.right}”理解“{repair.wrong}”" for repair in prepared.repairs]
    if not decision.candidates:
        reasons.append("知识库中没有与问题相关的内容")
        return reasons
    best = decision.candidates[0]
    features = decision.features
    if best.entry.kind == "item":
        reasons.append("来自已发布的一问一答")
    if decision.unknown >= 0.3:
        reasons.append("问题中的关键词在知识库中没有出现")
    if features.get("misfit") and prepared.expectation.kind != "none":
        reasons.append(f"找到的句子里没有问题所问的{prepared.expectation.label}")
    if not answered and features.get("focus", 1.0) < 0.5:
        focus = _focus(prepared)
        if focus:
            reasons.append(f"找到的内容没有说到“{focus[-1]}”")
    if not answered and features.get("coverage", 0.0) < 0.5:
        reasons.append("最相关的句子只覆盖了问题的一小部分")
    if search_service.region_fields(best.entry, city_code)["scope"] == "other":
        reasons.append(f"出处是外市文件（{best.entry.region_name}），仅供参考")
    return reasons


def answer_from_index(
    index: search_service.KnowledgeIndex,
    question: str,
    *,
    city_code: str | None,
    top: int = 3,
    model: extract.AnswerModel | None = None,
) -> dict:
    model = model or extract.default_model()
    decision = decide(index, question, city_code=city_code, model=model)
    found = decision.candidates
    best = found[0] if found else None
    answered = best is not None and decision.probability >= model.threshold
    others: list[Candidate] = []
    for candidate in found[1:]:
        if any(_same_source(candidate.entry, other.entry) for other in [best, *others]):
            continue
        others.append(candidate)
        if len(others) >= max(top - 1, 0):
            break
    result = {
        "question": question,
        "understood_as": decision.prepared.text if decision.prepared.text != question.strip() else None,
        "repairs": [{"wrong": repair.wrong, "right": repair.right} for repair in decision.prepared.repairs],
        "answer": None,
        "confidence": round(decision.probability, 3),
        "citation": None,
        "passage": None,
        "message": NOT_FOUND,
        "reasons": _reasons(decision, answered, city_code),
        "alternatives": [_shown(candidate, city_code) for candidate in others],
    }
    if answered:
        best = _joined(best, found)
        result.update(_shown(best, city_code, decision.probability))
        result["message"] = None
    elif best is not None:
        # Not reliable enough to read out, but the call-taker may look at it.
        result["alternatives"] = [_shown(best, city_code), *result["alternatives"]][: max(top, 1)]
    return result


def _joined(best: Candidate, found: list[Candidate]) -> Candidate:
    """The best sentence with its neighbour in the same passage when the ranker holds that one about as
    likely: one contiguous stretch to read out ("…项目可申报了。符合条件者，请于2026年2月13日前申报。")."""
    if best.entry.kind == "item":
        return best
    text = best.entry.text
    for other in found[1:4]:
        if other.entry is not best.entry or other.probability < JOIN_SHARE * best.probability:
            continue
        first, second = sorted((best.choice.span, other.choice.span), key=lambda span: span.start)
        between = text[first.end : second.start]
        if first.end <= second.start and not between.strip() and second.end - first.start <= JOIN_MAX:
            span = extract.Span(first.start, second.end)
            choice = extract.Choice(span, best.choice.score, best.choice.coverage, best.choice.bigrams, best.choice.fits)
            return Candidate(best.position, best.entry, best.score, choice, best.value, best.features, best.probability, best.fit)
    return best


def answer(
    session: Session,
    question: str,
    *,
    today: date,
    city_code: str | None = None,
    top: int = 3,
) -> dict:
    """The extractive answer to a question with its citation, or answer None with 知识库中没有找到可靠答案.

    Returns {"answer", "confidence", "citation": {"title", "doc_number", "source", "issuer", "date", "start",
    "end", "city", "other_city", …} | None, "passage", "message", "reasons", "alternatives": […]}. citation
    start/end are offsets in the document's stored text (kb_documents.text), or for a 一问一答 in its answer.
    """
    question = (question or "").strip()
    if not question:
        raise ValidationFailed("请输入要查询的问题", field="question")
    if len(question) > MAX_QUESTION:
        raise ValidationFailed(f"问题不能超过 {MAX_QUESTION} 字", field="question")
    if not 1 <= top <= 10:
        raise ValidationFailed("备选答案条数应在 1 到 10 之间", field="top")
    index = search_service.get_index(session, today=today)
    return answer_from_index(index, question, city_code=city_code or settings().city_code, top=top)


def refused(question: str, message: str) -> dict:
    """The result shape for a question that could not be asked at all (empty, too long), for batch output."""
    return {
        "question": question,
        "understood_as": None,
        "repairs": [],
        "answer": None,
        "confidence": 0.0,
        "citation": None,
        "passage": None,
        "message": message,
        "reasons": [message],
        "alternatives": [],
    }


def _confidence_label(confidence: float) -> str:
    if confidence >= 0.8:
        return "高"
    if confidence >= 0.6:
        return "中"
    return "低"


def cite_line(citation: dict) -> str:
    """One line a call-taker can read out: 《title》（文号，issuer，date）, or the 一问一答 and its unit."""
    if citation["kind"] == "item":
        unit = f"，{citation['issuer']}" if citation.get("issuer") else ""
        return f"知识库一问一答“{citation['title']}”{unit}"
    details = "，".join(part for part in (citation.get("doc_number"), citation.get("issuer"), citation.get("date")) if part)
    return f"《{citation['title']}》" + (f"（{details}）" if details else "")


def _display_one(shown: dict) -> dict:
    citation = shown["citation"]
    return {
        "answer": shown["answer"],
        "confidence": shown["confidence"],
        "confidence_label": _confidence_label(shown["confidence"]),
        "cite": cite_line(citation),
        "city": citation.get("city"),
        "other_city": citation.get("other_city", False),
        "other_city_note": f"外市文件（{citation['city']}），仅供参考" if citation.get("other_city") else None,
        "ref": f"kb:item:{citation['item_id']}" if citation["kind"] == "item" else f"kb:passage:{citation['passage_id']}",
        "passage": shown["passage"],
    }


def for_display(result: dict) -> dict:
    """A display-ready shape for the intake's knowledge panel: found, answer, cite line, labels, alternatives."""
    shown = _display_one(result) if result["answer"] is not None else None
    return {
        "found": shown is not None,
        "message": result["message"],
        "reasons": result["reasons"],
        "understood_as": result.get("understood_as"),
        "best": shown,
        "alternatives": [_display_one(alternative) for alternative in result["alternatives"]],
    }


def intake_answer(session: Session, text: str, *, today: date) -> dict | None:
    """for_display(answer(…)) for what the caller said; None when the text is too short or no knowledge base is loaded."""
    text = (text or "").strip()
    if len(text) < 4:
        return None
    try:
        # A long account is asked by its question sentences ("……请问学校划片在哪查？").
        return for_display(answer(session, asked_part(text)[:MAX_QUESTION], today=today))
    except Exception:  # noqa: BLE001 - the intake keeps working without the knowledge base
        return None
