"""Where in a message a thing is said — the title, the request (诉求) sentences, the background — and what is
only mentioned in passing (a landmark, the hotline used as a channel); long texts reduced to their request.

Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
CLAUSE_STOPS = "。！？!?；;\n，,"
_CLAUSE_STOP = re.compile("[" + re.escape(CLAUSE_STOPS) + "]")
# Texts at least this long (board messages) are read as title + request + background; shorter ones as a whole.
LONG_TEXT = 200
# A titled text (a board message, an e-mail) is written, not a call: read as long from this length on.
LONG_TITLED_TEXT = 80
# A titled text whose body is at least this long is a written post, not a live call: an alarm word in it needs a
# word saying it is happening now (the shorter "long" threshold above decides the reading for routing).
WRITTEN_TEXT = 40
# Sentences longer than this are read clause by clause (some writers never use a full stop).
LONG_SENTENCE = 80
CLAUSE = re.compile(r"[，,]+")
FOCUS_BUDGET = 260

# The sentence says what the writer wants done.
REQUEST_CUE = re.compile(
    r"希望|请求|恳请|恳求|要求(?!我们|业主|住户|大家|每户|我)|请(?:有关|相关|上级|领导|贵|主管|政府|尽快|帮|派|你们|您|市|县|区|镇|执法|教育|公安|交警|城管|环保|住建)|"
    r"建议|盼望|期望|期盼|呼吁|诉求|望(?:有关|相关|领导|政府|尽快|早日|能)|麻烦(?:你们|相关|有关|尽快)|能否|可否|能不能|请问|想问|想咨询|咨询一下|想了解|"
    r"给(?:个|一个)?说法|管一管|管管|帮帮|帮忙|尽快(?:解决|处理|修|清理|查处|落实|答复)"
)
# A second, smaller matter ("另外，……", "顺便说一下，……"): not what the message is about.
ASIDE = re.compile(r"^(?:另外|还有一个事|还有一件事|还有个事|顺便说一下|顺便|除此之外|此外|再就是|再有就是|还有就是)")
GREETING = re.compile(r"^(?:尊敬的|各位|亲爱的)?[^，。！？]{0,10}(?:领导|市长|书记|同志|部门|您|你们)(?:好|：|:|，|,)?[！!，,：:]*$|^(?:您好|你好|领导好)")
# The writer introducing themselves ("我是个体户", "我们几个退休老师", "我在一家物流公司上班"): who is writing, not
# what the matter is; a topic word met only there does not decide the unit.
INTRO = re.compile(
    r"^(?:[嗯啊哎喂，, ]*)(?:我|本人|我们|咱们)(?:是|今年|姓|叫|系|几个|一家|都是|俩|两口子|夫妻|这些|"
    r"在[^，,。！？；;\n]{0,12}(?:上班|工作|打工|任职|教书|当老师|做生意|开店|做点小生意))"
)
# A place named by what stands there ("晋城一中旁边", "医院门口往东", "派出所斜对面", "景区入口附近", "公安局宿舍").
LANDMARK_AFTER = re.compile(
    r"^(?:的)?(?:旁边|附近|对面|斜对面|对过|门口|门前|大门口?|后门|前门|后面|前面|周边|周围|一带|东侧|西侧|南侧|北侧|东边|西边|南边|北边|"
    r"边上|隔壁|楼下|往东|往西|往南|往北|那条|那块|那边|入口|出口|路口|宿舍|家属院|家属楼|大院|不远|西门|东门|南门|北门)"
)


# A word that is part of a compound's name ("洗煤厂生活区", "教师村小区", "电厂宿舍"): an address, not the topic.
PLACE_NAME_AFTER = re.compile(r"^[村厂站局院矿所校园城苑路街]{0,2}(?:小区|生活区|家属院|家属楼|宿舍|花园|公寓|新村)")
# The title of a law or document cited (《物业管理条例》): an argument, not the matter.
CITED = re.compile(r"《[^》\n]{0,30}$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    role: str  # "title" | "request" | "aside" | "greeting" | "body"


class Layout:
    """The sentences of `text` (title first when there is one) with their roles."""

    def __init__(self, text: str, *, title_end: int = 0):
        self.text = text
        self.title_end = title_end
        self.body_length = len(text) - title_end
        self.long = self.body_length >= LONG_TEXT or (title_end > 0 and self.body_length >= LONG_TITLED_TEXT)
        self.written = self.long or (title_end > 0 and self.body_length >= WRITTEN_TEXT)
        self.sentences: list[Sentence] = []
        position = 0
        for match in list(SENTENCE_END.finditer(text)) + [None]:
            end = match.start() if match else len(text)
            if end > position:
                for start, stop in self._pieces(position, end):
                    self.sentences.append(Sentence(start, stop, self._role(start, stop)))
            position = match.end() if match else len(text)
        self._starts = [s.start for s in self.sentences]
        self.memo: dict = {}  # per-text results other modules compute once (the engine's live spans)

    def _pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """A long sentence cut at commas into pieces of about LONG_SENTENCE characters."""
        if end - start <= LONG_SENTENCE or start < self.title_end:
            return [(start, end)]
        pieces, piece_start = [], start
        for match in CLAUSE.finditer(self.text, start, end):
            if match.start() - piece_start >= LONG_SENTENCE // 2:
                pieces.append((piece_start, match.start()))
                piece_start = match.end()
        if piece_start < end:
            pieces.append((piece_start, end))
        return pieces

    def _role(self, start: int, end: int) -> str:
        if start < self.title_end:
            return "title"
        piece = self.text[start:end]
        if ASIDE.search(piece):
            return "aside"
        if REQUEST_CUE.search(piece):
            return "request"
        if GREETING.search(piece) and len(piece) <= 16:
            return "greeting"
        return "body"

    def sentence_at(self, position: int) -> Sentence | None:
        import bisect

        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            return None
        sentence = self.sentences[index]
        return sentence if position <= sentence.end else None

    def role_at(self, position: int) -> str:
        sentence = self.sentence_at(position)
        return sentence.role if sentence else "body"

    def clause_at(self, start: int, end: int) -> str:
        """From just after the last clause stop before `start` to the first one at or after `end`."""
        import bisect

        stops = self.__dict__.get("_stops")
        if stops is None:  # the offsets of every clause stop, found once per text
            stops = self._stops = [m.start() for m in _CLAUSE_STOP.finditer(self.text)]
        before = bisect.bisect_left(stops, start)
        after = bisect.bisect_left(stops, end)
        return self.text[stops[before - 1] + 1 if before else 0 : stops[after] if after < len(stops) else len(self.text)]

    def is_intro(self, start: int, end: int) -> bool:
        """The words at start:end sit in a clause where the writer introduces themselves."""
        return bool(INTRO.match(self.clause_at(start, end)))

    def requests(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.sentences if s.role == "request"]

    def title(self) -> str:
        return self.text[: max(0, self.title_end - 1)]

    def focus(self) -> str:
        """What a long message asks for: its title, its request sentences and its first lines of substance;
        the whole text when it is short. Used for routing, so that the background does not dilute the topic."""
        if not self.long:
            return self.text
        parts = [self.text[s.start : s.end] for s in self.sentences if s.role == "title"]
        body = [s for s in self.sentences if s.role == "body"]
        budget = FOCUS_BUDGET
        for sentence in body:
            if budget <= 0:
                break
            parts.append(self.text[sentence.start : sentence.end])
            budget -= sentence.end - sentence.start
        parts.extend(self.requests())
        return "。".join(parts)


# The body someone pretends to be ("冒充燃气公司上门收费", "自称是社保局的"): the matter is the impostor, not that body.
IMPERSONATED_BEFORE = re.compile(r"(?:冒充|假冒|假扮|冒名|自称是?|谎称是?|假装是?)[^，,。！？!?；;\n]{0,3}$")


def is_impersonated(text: str, start: int) -> bool:
    """The word names a body someone pretends to be, not the unit the matter belongs to."""
    return bool(IMPERSONATED_BEFORE.search(text[max(0, start - 6) : start]))


def is_landmark(text: str, start: int, end: int) -> bool:
    """The word names a place used as a landmark ("学校门口卖早点的", "医院旁边") or is part of a compound's name
    ("洗煤厂生活区"), not the topic."""
    return bool(LANDMARK_AFTER.search(text[end : end + 4]) or PLACE_NAME_AFTER.search(text[end : end + 5]))


def is_cited(text: str, start: int) -> bool:
    """The word sits inside the title of a law or document the writer cites (《物业管理条例》)."""
    return bool(CITED.search(text[max(0, start - 30) : start]))
