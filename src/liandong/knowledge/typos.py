"""Homophone slips in a typed question ("公基金" → "公积金", "身分证" → "身份证"), repaired against the
knowledge base's own vocabulary. Pure.

Call-takers type with a pinyin input method, so a slip is nearly always a character that sounds like the
right one. A stretch of two to four Chinese characters is repaired when it is not a word of the knowledge
base, is a run of whole words holding one that looks like a slip (a lone content character, or a word the knowledge base does not
use), contains a pair of characters the knowledge base never writes, changing one of its characters for one that sounds the same (tone ignored; zh/z, ch/c, sh/s, n/l
and the -n/-ng endings confused, as in northern dialects) makes a word the knowledge base uses, and the
stretch is not itself a common word (jieba's dictionary frequency below a twentieth of the repair's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba

_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
# Question words are never slips, whatever they sound like (谁管 is not 水管).
QUESTION_CHARS = frozenset("谁哪几啥咋怎么吗呢何")
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an"))


def _fuzzy(syllable: str) -> str:
    for long, short in _FUZZY:
        syllable = syllable.replace(long, short)
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    return syllable


@lru_cache(maxsize=16384)
def _readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin  # loaded on the first repair: its dictionary takes a quarter second

    # The common reading only: rare readings make false twins (吃 also reads "qi" as in 口吃 → 期).
    return tuple({_fuzzy(reading) for reading in pinyin(char, style=Style.NORMAL)[0] if reading.isalpha()})


@dataclass(frozen=True)
class Repair:
    wrong: str
    right: str
    start: int  # offset of the wrong stretch in the question


class HomophoneRepairer:
    """Built once per vocabulary (the knowledge base's words and how often documents use them)."""

    def __init__(
        self,
        vocabulary: dict[str, float],
        bigrams: set[str] | frozenset[str],
        *,
        skip: frozenset[str] = frozenset(),
        function_chars: frozenset[str] = frozenset(),
        min_uses: int = 2,
    ):
        """vocabulary: word → how many entries use it; bigrams: the character pairs the entries contain;
        skip: words never changed (stopwords); function_chars: characters that only glue words together."""
        self.vocabulary = {
            word: weight
            for word, weight in vocabulary.items()
            if 2 <= len(word) <= 4 and weight >= min_uses and _CJK_RUN_RE.fullmatch(word)
        }
        self.function_chars = function_chars
        self.bigrams = bigrams
        self.skip = skip
        self._by_sound: dict[str, set[str]] | None = None

    def _sounds(self) -> dict[str, set[str]]:
        if self._by_sound is None:
            by_sound: dict[str, set[str]] = {}
            for char in {char for word in self.vocabulary for char in word}:
                for reading in _readings(char):
                    by_sound.setdefault(reading, set()).add(char)
            self._by_sound = by_sound
        return self._by_sound

    def _candidate(self, stretch: str) -> str | None:
        sounds = self._sounds()
        best: tuple[float, str] | None = None
        for position, char in enumerate(stretch):
            alike = set()
            for reading in _readings(char):
                alike |= sounds.get(reading, set())
            for other in alike - {char}:
                word = stretch[:position] + other + stretch[position + 1 :]
                weight = self.vocabulary.get(word)
                if weight is not None and (best is None or weight > best[0]):
                    best = (weight, word)
        if best is None:
            return None
        frequency = jieba.dt.FREQ
        if frequency.get(stretch, 0) * 20 > max(frequency.get(best[1], 0), 20):
            return None  # the caller typed a real, common word the documents happen not to use
        return best[1]

    def repair(self, question: str) -> tuple[str, list[Repair]]:
        """The question with its slips repaired, and what was changed.

        Stretches are runs of whole jieba tokens (a slip splits a word into odd pieces: "公 / 基金", "暂 / 主"),
        so a repair never cuts into a correct neighbouring word; stopwords are never part of one.
        """
        tokens = [
            (token, start, end)
            for token, start, end in jieba.tokenize(question, HMM=False)
        ]
        repairs: list[Repair] = []
        taken = [False] * len(tokens)
        for size in (3, 2, 1):
            for first in range(len(tokens) - size + 1):
                group = tokens[first : first + size]
                if any(taken[first : first + size]):
                    continue
                stretch = "".join(token for token, _, _ in group)
                if not 2 <= len(stretch) <= 4 or not _CJK_RUN_RE.fullmatch(stretch) or stretch in self.vocabulary:
                    continue
                if any(
                    token in self.skip or all(char in self.function_chars for char in token) or set(token) & QUESTION_CHARS
                    for token, _, _ in group
                ):
                    continue
                # A slip leaves a lone content character or a word the knowledge base does not use, and a
                # pair of characters the documents never write.
                if not any(len(token) == 1 or token not in self.vocabulary for token, _, _ in group):
                    continue
                if all(stretch[i : i + 2] in self.bigrams for i in range(len(stretch) - 1)):
                    continue
                right = self._candidate(stretch)
                if right is None:
                    continue
                repairs.append(Repair(stretch, right, group[0][1]))
                for index in range(first, first + size):
                    taken[index] = True
        text = question
        for repair in sorted(repairs, key=lambda repair: -repair.start):
            text = text[: repair.start] + repair.right + text[repair.start + len(repair.wrong) :]
        return text, sorted(repairs, key=lambda repair: repair.start)
