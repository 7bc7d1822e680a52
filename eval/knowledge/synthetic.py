"""Synthetic training questions built from the corpus itself, for the answer ranker.

For a sentence of a passage, a caller's question is made by rule: a stretch of the sentence (its subject
dropped), the documents' formal terms swapped for the everyday words callers use (data/synonyms.tsv and
data/colloquial.tsv read backwards), wrapped in a question form. The gold is a stretch of the sentence, so a
candidate sentence answers when it holds it. Used only to widen the ranker's training beyond the phrasings
of the development banks; no bank is read here.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "src" / "liandong" / "knowledge" / "data"
_SENTENCE_RE = re.compile(r"[^。！？；\n]+")
_FORMS = ("{}吗？", "{}怎么办？", "{}是啥意思？", "请问{}？", "我想问一下{}", "{}有啥规定？", "咋{}？", "{}找谁？")


def everyday_words() -> list[tuple[str, str]]:
    """(formal term, everyday word) pairs, longest term first."""
    pairs = {}
    for name, split in (("synonyms.tsv", "|"), ("colloquial.tsv", None)):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or "\t" not in line:
                continue
            everyday, formal = line.split("\t", 1)
            for term in formal.split(split) if split else [formal]:
                if len(term) >= 2 and term not in pairs and len(everyday) >= 1:
                    pairs[term] = everyday
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def synthetic_questions(index, count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    swaps = everyday_words()
    sentences = [
        sentence.strip()
        for entry in index.entries
        if entry.kind != "item"
        for sentence in _SENTENCE_RE.findall(entry.text)
        if 16 <= len(sentence.strip()) <= 90
    ]
    rng.shuffle(sentences)
    made = []
    for sentence in sentences[:count]:
        clauses = [c for c in re.split(r"[，、：]", sentence) if len(c) >= 4]
        if not clauses:
            continue
        # Drop the subject: the first clause when there are several, else its first characters.
        kept = clauses[1:] if len(clauses) > 1 and rng.random() < 0.6 else clauses
        stretch = "".join(rng.sample(kept, min(len(kept), 2)) if len(kept) > 2 else kept)
        stretch = stretch[:24]
        for term, everyday in swaps:
            if term in stretch and rng.random() < 0.7:
                stretch = stretch.replace(term, everyday)
        # Drop a few characters at random: callers do not repeat a document's wording exactly.
        chars = [c for c in stretch if rng.random() > 0.15]
        question = rng.choice(_FORMS).format("".join(chars))
        middle = max(0, len(sentence) // 2 - 5)
        made.append({"question": question, "answer": sentence[middle : middle + 10]})
    return made
