"""The triage engine: transfer-list rules read like a dispatcher, a safety override, a model for the rest,
calibrated confidence and an explanation for every answer.

Pure: it is given its catalogue, transfer list, (optional) model, typo table, calibration and a word
boundary function, and touches no database or network.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import asdict, dataclass, field, replace
from operator import itemgetter
from typing import Callable, NamedTuple

import numpy as np

from liandong.triage.alarm import AFTERMATH, URGENT, AlarmJudge, has_urgency, sentence_of, sentence_span, service_title, told_as_past
from liandong.triage.calibration import Calibration, heuristic
from liandong.triage.catalog import TriageCatalog
from liandong.triage.duties import DutyIndex
from liandong.triage.focus import REQUEST_CUE, Layout, is_cited, is_impersonated, is_landmark
from liandong.triage.names import UnitNames
from liandong.triage.rules import EMERGENCY_PLATFORMS, LEVELS, Hit, Rejected, TransferItem, TransferList
from liandong.triage.text import TypoFixer, is_meaningful, literal_alternation, nfkc_tables, normalize

REQUEST_TYPE_NAMES = {"consult": "咨询", "help": "求助", "complaint": "投诉", "report": "举报", "suggestion": "建议"}
PLATFORM_NAMES = {"12345": "12345 热线", "110": "110 报警服务台", "119": "119 消防救援", "120": "120 急救", "guidance": "引导至其他渠道", "invalid": "无效来电"}
PLATFORM_UNITS = {"110": "gaj", "119": "xfzd", "120": "wjw"}
REVIEW_LABEL = "需人工判断"
GENERIC_CRIES = frozenset({"救命", "救救", "救救我", "快来人", "来人啊"})
MAX_TEXT = 10000
# Total model probability of 110/119/120 above which an unmatched request is still treated as an emergency
# (chosen on the dev split: false alarms below 1% there; lower values doubled them). Short texts only:
# on board-length messages the lexicon with its context checks decides.
MODEL_EMERGENCY_THRESHOLD = 0.5
MODEL_POLICE_THRESHOLD = 0.7
MODEL_SURE_OVER_ITEM = 0.75
MODEL_SURE_OVER_HANDED = 0.9

# Words that say what kind of request it is, whatever the subject: (pattern, weight). Plain frustration
# ("没人管", "一直没修") is weak evidence of a complaint: a broken street lamp is still a request for help.
_TYPE_CUES: dict[str, list[tuple[re.Pattern, float]]] = {
    "consult": [
        # "咨询过" tells what the writer already did, not what they ask now.
        (re.compile(r"请问|咨询(?!过)|想问|(?<!过)问一下|(?<!过)问问|想了解|了解一下"), 0.6),  # "领导过问一下" asks someone to look into it
        (re.compile(
            r"怎么办理|如何办理|怎么申请|如何申请|怎么操作|怎么交|怎么查|怎么补办|怎么转移|怎么计算|怎么算|需要什么|需要哪些|要带什么|带什么|什么条件|哪些条件|"
            r"在哪里|去哪里|在哪个|哪个部门|多久|多长时间|什么时候|是否可以|能不能取|能不能用|能不能给|能否|在哪|哪里可以|哪里能|哪能|能充吗|可以.{0,6}吗|"
            r"流程|手续|政策|标准是|有没有.{0,8}(?:补贴|政策|扶持|支持)|咋办理|咋申请|是多少|多少钱|还在吗|上不上班|合法吗|何时|进度如何|如何计算|怎样计算|是怎样|"
            r"要不要|能报吗|能领|怎么领|去哪办|要啥|要几天"
        ), 0.35),
    ],
    "complaint": [
        (re.compile(
            r"投诉|不作为|态度(?:很|太|特别|十分|非常)?(?:差|恶劣|不好|蛮横|冷漠)|不给(?:退|办|赔|补偿|换)|拖欠|乱收费|扰民|吵得|太吵|吵死|睡不着|没法休息|"
            r"强制|推诿|多收|不认|刁难|欺负|跑了.{0,3}趟|敷衍|霸王条款|乱象|涨价|不退|克扣|服务差|服务太差"
        ), 0.45),
        (re.compile(r"给个说法|不管|不理|不处理|没人管|没人修|一直没|太差|不合理|不公平|要求退|怎么能"), 0.2),
        # The writer says the matter harms them (投诉 is about one's own interests; 举报 about a wrong to the public).
        (re.compile(
            r"(?:我|我们|我家|家里|孩子|老人)[^，。！？,!?；;]{0,8}(?:受不了|睡不着|没法睡|没法休息|咳嗽|不敢开窗|不敢喝|吓得|被坑|被骗|吃亏|损失|冻得|冻感冒|遭罪)"
        ), 0.45),
    ],
    "report": [
        (re.compile(r"举报"), 0.6),
        (re.compile(
            r"违法|违规|非法|无证|没有资质|没有.{0,4}(?:执照|许可|资格|手续)|偷排|偷偷|私自|私挖|私搭|乱建|违建|违章|假的|假冒|假货|黑诊所|查处|三无|过期|地沟油|虚开|未成年人|"
            r"盗伐|滥伐|乱砍|非法采|私屠|滥宰|盗采|有偿补课|乱补课|虚假|冒充|串通"
        ), 0.45),
    ],
    "help": [
        (re.compile(r"求助|帮忙|帮帮|帮一把|救助|帮助(?:我们|解决|落实|协调|申请)|给予(?:救助|补助|帮助|解决|低保)|纳入(?:低保|救助|改造|计划|范围)|补发"), 0.5),
        (re.compile(
            r"麻烦.{0,6}(?:来|修|看|处理)|尽快(?:修|处理|来|恢复)|赶紧来|坏了|停水|停电|没水|没电|不热|修一下|申请低保|很着急|怎么办才好|没法做饭|受不了|冻得|"
            r"请.{0,4}(?:来人|派人)|维修|检修|协调|修好|修一修|来看看|派人"
        ), 0.35),
    ],
    "suggestion": [
        (re.compile(r"建议|提个意见|提点意见|呼吁|倡议"), 0.6),
        (re.compile(
            r"(?:希望|盼望|期望|恳请|请求)[^，。！？,!?]{0,14}(?:增设|增加|增开|开通|多建|多装|多设|多开|延长|加大|加固|调整|做得|简化|优化|改进|改善|新建|修建|规划|考虑|能够|取消|设立|安装|推广|完善)|"
            r"(?:能不能|能否|可否|是否可以)(?:增设|增加|增开|开通|多|在|考虑|延长|安装|设置)|是否可以考虑"
        ), 0.45),
    ],
}
# Asking to be helped, whatever else the request asks ("帮帮我们", "给予救助", "纳入低保").
_HELP_ASKED = _TYPE_CUES["help"][0][0]
# Explicit words in a title decide the request type when present (leftmost wins).
_TITLE_TYPES = re.compile(r"建议|倡议|咨询|请问|询问|投诉|举报|求助")
_TITLE_TYPE_OF = {"建议": "suggestion", "倡议": "suggestion", "咨询": "consult", "请问": "consult", "询问": "consult", "投诉": "complaint", "举报": "report", "求助": "help"}
# The same words as the label a body opens with ("举报：……", "建议，……").
_LEAD_TYPE = re.compile(r"\s*(?:【[^】]{0,8}】)?\s*(建议|倡议|咨询|请问|询问|投诉|举报|求助)\s*[：:，,]")
# The model-only safety net stays silent when the caller names a service request or its tone: a complaint
# about service ("不像话", "乱收费"), a question about rules.
_SERVICE_WORDS = r"(?<!不)建议|咨询(?!过)|请问|想问|投诉"  # the explicit cues of _EXPLICIT that name a service request
# "我想举报一下……" names a report of a violation; a crime happening now still says so (URGENT).
_SERVICE_SAID = re.compile(_SERVICE_WORDS + r"|(?:想|要)举报|不像话|太过分|什么态度|服务态度|乱收费|多收|不给退|退钱|管不管|管一管|管管")
# "我反映个事儿", "也没人管": a matter reported or complained of; silences the net only when nothing is told as
# happening now ("我想反映个事……刚才他又来了，手里拿着一瓶汽油" is still a call).
_SERVICE_TOLD = re.compile(r"(?:我|我们|想|要)反映(?:个|一个|一下)?(?:事|情况|问题)|没人管")
# alarm.STRONG_NOW without its place readings ("工人就在下面干活", "还在里面" say where, not when).
_TOLD_NOW = re.compile(r"正在|刚才|刚刚|现在正|此刻|这会儿|还在(?!下面|上面|里面)")
# A complaint's tone around a bare cry ("救命啊，物业费也太贵了，还让不让人活了").
_CRY_AS_TONE = re.compile(_SERVICE_SAID.pattern + r"|太贵|贵得|涨价|又涨|乱涨|交钱|费|还让不让人活|让不让人活|叫人怎么活|没法活了|房租|工资")
_CRIES = re.compile(literal_alternation(GENERIC_CRIES) + r"|啊")
# The same words in a request sentence decide when only one kind of them is there.
_EXPLICIT = re.compile(_SERVICE_WORDS + r"|举报|求助")
_EXPLICIT_OF = {"建议": "suggestion", "咨询": "consult", "请问": "consult", "想问": "consult", "投诉": "complaint", "举报": "report", "求助": "help"}

# Grading (四级联动响应): numbers of people, disasters and deaths raise the level of an emergency.
_MAJOR = re.compile(
    r"(?:十几|二十|三十|几十|数十|上百|一百|好几十|一大群|大批|大量|多名|多人|好多人|很多人|许多人|十多)(?:个|名|户|位)?(?:人|学生|工人|群众|村民|人家|户|老人)|"
    r"爆炸|坍塌|塌方|滑坡|泥石流|被埋|淹了|危化品|化工厂|煤矿|井下|整栋|整个小区"
)
_EXTREME = re.compile(r"(?:死亡|遇难|身亡)[^。！？]{0,6}(?:多人|十|几十|数十|上百)|(?:几十|数十|上百|一百多)(?:个)?人(?:死亡|遇难|被困|被埋)")

# How much a matched word weighs by where it sits (the title and the request say what the message is about).
ROLE_BONUS = {"title": 0.35, "request": 0.25, "body": 0.0, "aside": -0.2, "greeting": -0.2, "intro": -0.2, "request_context": 0.1}
# The combined unit score: rules, the model's probability, the duties text.
W_MODEL = 0.6
W_DUTY = 0.25
W_MODEL_ONLY = 0.9
# A unit the writer names as the body to act, in the title or a request sentence ("请住建部门督促物业").
W_NAMED = 0.45


@dataclass
class TriageResult:
    platform: str
    request_type: str | None
    category: list[str]
    department: str | None
    division_code: str
    level: str
    confidence: float
    reasons: list[str]
    transfer_item_id: str | None = None
    transfer_item_name: str | None = None
    emergency: bool = False
    transfer_list_version: str = ""
    model_version: str | None = None
    # Added fields (the ones above are the contract of `liandong triage --json`).
    needs_review: bool = False
    review_label: str | None = None
    alternatives: list[dict] = field(default_factory=list)
    secondary_platforms: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    # The inputs of the confidence calibration (eval/triage/calibrate.py); not part of the output.
    scores: dict = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data.pop("scores")
        data.update(self.extra)
        return data


def _level_for(item_level: str, text: str) -> str:
    level = LEVELS.index(item_level)
    if _MAJOR.search(text):
        level = max(level, LEVELS.index("重大"))
    if _EXTREME.search(text):
        level = LEVELS.index("特别重大")
    return LEVELS[level]


def _default_bounds(text: str, start: int, end: int) -> frozenset[int]:
    from liandong.triage.segment import run_bounds

    return run_bounds(text, start, end)


def _bare_cry(hit: Hit) -> bool:
    """The hit's words are only a cry for help ("救命"), naming no event."""
    return all(k in GENERIC_CRIES for k in (hit.keywords or (hit.keyword,)))


# The order of the candidate pool: score (negated), then the order found (never the candidate itself).
_rank = itemgetter(0, 1)


class HeadScores(NamedTuple):
    """One model head's output for one text: its classes, their probabilities (in class order, as plain lists) and
    the class positions from most to least likely, ties in class order (= a stable sort on -p, done for the batch)."""

    classes: list[str]
    p: list[float]
    order: list[int]
    position: dict[str, int]  # class -> its position (shared by the rows of a batch)


def likeliest_others(scores: HeadScores, *, besides, units, k: int = 3) -> list[tuple[int, str, float]]:
    """(class position, unit, p) of the catalogue units not in `besides`, the likeliest first: the k best by
    W_MODEL_ONLY * p and any tying with the k-th (ties are broken by class position, as the candidate pool does).
    Walks the row's order and stops there, instead of scoring every class."""
    out: list[tuple[int, str, float]] = []
    bar = None
    for i in scores.order:
        unit = scores.classes[i]
        if unit in besides or unit not in units:
            continue
        score = W_MODEL_ONLY * scores.p[i]
        if bar is not None and score < bar:
            break
        out.append((i, unit, scores.p[i]))
        if len(out) == k:
            bar = score
    return out


_NAMES: dict[int, tuple] = {}


def _class_names(classes) -> tuple[list[str], dict[str, int]]:
    """A head's class names and positions, made once per classes array (kept referenced, so its id stays its own)."""
    known = _NAMES.get(id(classes))
    if known is None or known[0] is not classes:
        names = [str(c) for c in classes]
        known = _NAMES[id(classes)] = (classes, names, {name: i for i, name in enumerate(names)})
        while len(_NAMES) > 64:
            _NAMES.pop(next(iter(_NAMES)))
    return known[1], known[2]


def head_scores(classes, matrix) -> list[HeadScores]:
    """A head's probability matrix for a batch as one HeadScores per row (the ordering done by numpy, once)."""
    names, position = _class_names(classes)
    matrix = np.asarray(matrix, dtype=np.float64)
    order = np.argsort(-matrix, axis=1, kind="stable").tolist()
    return [HeadScores(names, row, rank, position) for row, rank in zip(matrix.tolist(), order)]


@dataclass
class _Candidate:
    unit: str
    score: float = 0.0
    rule: float = 0.0
    hit: Hit | None = None
    in_request: bool = False
    model_p: float = 0.0
    duty: float = 0.0
    duty_terms: tuple[str, ...] = ()
    named: str | None = None
    reasons: list[str] = field(default_factory=list)


# How far around an alarm cue a long run-on sentence is read for a word saying it is happening now: a caller's
# "刚才河水涨上来了，……老人孩子出不去，只能爬到房顶上，请赶紧派人来救" is one utterance, though the layout cuts it
# at commas into pieces; beyond this the words belong to another part of the story.
UTTERANCE_REACH = 60


def _utterance(layout: Layout, start: int, end: int) -> str:
    """The sentence around text[start:end] (to the sentence stops, not the layout's comma cuts), at most
    UTTERANCE_REACH characters either side of it."""
    text = layout.text
    piece = layout.sentence_at(start)
    if piece is not None and start < layout.title_end:
        return text[piece.start : piece.end]  # the title is read alone
    left, right = sentence_span(text, start, end)
    return text[max(left, start - UTTERANCE_REACH, layout.title_end) : min(right, end + UTTERANCE_REACH)]


class TriageEngine:
    def __init__(
        self,
        *,
        catalog: TriageCatalog,
        transfer_list: TransferList,
        model=None,
        typos: dict[str, str] | None = None,
        calibration: Calibration | None = None,
        bounds: Callable[[str, int, int], frozenset[int]] | None = None,
    ):
        self.catalog = catalog
        self.snapshot_version = ""  # set by the builder (service.build_engine_from)
        self.typos = dict(typos or {})
        nfkc_tables()  # built once per process (a quarter of a second), before the first request rather than in it
        self.fix_typos = TypoFixer(self.typos)
        self.model = model
        self.calibration = calibration or heuristic()
        self.bounds = bounds or _default_bounds
        self.detector = catalog.detector()
        self.duties = DutyIndex.from_units(catalog.units)
        city = catalog.divisions.get(catalog.city_code, "")
        self.names = UnitNames.from_units(catalog.units, city_names=(city, city[:-1]) if len(city) >= 3 else (city,))
        self.transfer_list, self.takeovers = self._assign_interim(transfer_list)
        meta = getattr(model, "meta", {}) or {}
        self.model_version = meta.get("version")
        # Which units each category was seen with, so a category never contradicts the chosen unit.
        self._category_units: dict[str, set[str]] = {k: set(v) for k, v in (meta.get("category_departments") or {}).items()}

    def _assign_interim(self, rules: TransferList) -> tuple[TransferList, dict[str, tuple[str, str]]]:
        """Interim items move to the unit whose duties name their topic, as soon as the catalogue has one."""
        takeovers: dict[str, tuple[str, str]] = {}
        items = []
        for item in rules.items:
            if item.interim and item.platform == "12345":
                owner = self.duties.owner(item.duty_words or item.keywords, besides=item.department)
                if owner is not None:
                    takeovers[item.id] = owner
                    item = replace(item, department=owner[0])
            items.append(item)
        return (replace(rules, items=tuple(items)) if takeovers else rules), takeovers

    def with_rules(self, transfer_list: TransferList) -> "TriageEngine":
        """The same engine (catalogue, model, typos, calibration) with another transfer list."""
        return TriageEngine(
            catalog=self.catalog, transfer_list=transfer_list, model=self.model, typos=self.typos, calibration=self.calibration, bounds=self.bounds
        )

    # ------------------------------------------------------------ public

    def triage(self, text: str, *, title: str | None = None, location: str | None = None, channel: str | None = None) -> TriageResult:
        return self.triage_many([text], titles=[title], locations=[location], channels=[channel])[0]

    def triage_many(self, texts: list[str], *, titles=None, locations=None, channels=None) -> list[TriageResult]:
        layouts = []
        for i, raw in enumerate(texts):
            body = self.fix_typos(normalize(raw)[:MAX_TEXT])
            title = self.fix_typos(normalize(titles[i])[:200]) if titles and titles[i] else ""
            full = f"{title}。{body}" if title else body
            layouts.append(Layout(full, title_end=len(title) + 1 if title else 0))
        matches = [self._match(layout) for layout in layouts]
        probs = None
        if self.model is not None:
            live = [i for i, layout in enumerate(layouts) if is_meaningful(layout.text)]
            if live:
                batch = self.model.predict_proba([self._model_text(layouts[i], matches[i][0]) for i in live])
                # Plain lists: per-row dict building from numpy scalars is the slowest part otherwise.
                rows = {h: head_scores(classes, p) for h, (classes, p) in batch.items()}
                probs = {i: {h: scores[row] for h, scores in rows.items()} for row, i in enumerate(live)}
        results = []
        for i, layout in enumerate(layouts):
            location = locations[i] if locations else None
            channel = channels[i] if channels else None
            results.append(self._decide(layout, matches[i], (probs or {}).get(i), location=location, channel=channel))
        return results

    def _match(self, layout: Layout) -> tuple[list[Hit], list[Rejected]]:
        if not is_meaningful(layout.text):
            return [], []
        hits, rejected = self.transfer_list.match(layout.text, judge=AlarmJudge(layout.text, bounds=self.bounds))
        return hits, rejected

    def _model_text(self, layout: Layout, hits: list[Hit]) -> str:
        """A long message reduced to what routing needs: the title, the sentences where a 12345 topic is named
        (not in passing) and the request sentences. Short texts go whole."""
        if not layout.long:
            return layout.text
        topical: set[int] = set()
        for hit in hits:
            if hit.item.platform != "12345":
                continue
            live, _ = self._live_spans(layout, hit)
            for _, start, _ in live:
                sentence = layout.sentence_at(start)
                if sentence is not None and sentence.role == "body":
                    topical.add(sentence.start)  # asides and greetings stay out
        if not topical:
            return layout.focus()
        parts, budget = [], 320
        for sentence in layout.sentences:
            if sentence.role in ("title", "request"):
                parts.append(layout.text[sentence.start : sentence.end])
            elif sentence.start in topical and budget > 0:
                parts.append(layout.text[sentence.start : sentence.end])
                budget -= sentence.end - sentence.start
        return "。".join(parts)

    # ------------------------------------------------------------ decision

    def _decide(self, layout: Layout, matched, probs: dict | None, *, location: str | None, channel: str | None) -> TriageResult:
        text = layout.text
        reasons: list[str] = []
        division_code, place = self.detector.detect(normalize(location)) if location else (self.catalog.city_code, None)
        if place is None:
            division_code, place = self.detector.detect(text)
        base = dict(division_code=division_code, transfer_list_version=self.transfer_list.version, model_version=self.model_version)

        if not is_meaningful(text):
            return TriageResult(
                platform="invalid", request_type=None, category=[], department=None, level="一般", confidence=0.99,
                reasons=["来电没有可识别的诉求内容（空白、无声或仅有语气词）"], **base,
            )

        hits, rejected = matched
        hits, background = self._drop_background_alarms(layout, hits)
        rejected = rejected + background
        model_platform = self._top(probs, "platform")
        # A bare cry for help ("救命") does not say which service: a hit that names the event leads.
        emergency_hits = sorted((h for h in hits if h.item.is_emergency), key=_bare_cry)
        # A bare cry as the exclamation of a complaint ("救命啊，这个物业费也太贵了"), with nothing else urgent or
        # happening now, is the complaint's tone, not a call for help.
        if emergency_hits and all(map(_bare_cry, emergency_hits)) and (
            _CRY_AS_TONE.search(text) and not has_urgency(_CRIES.sub("", text))
        ):
            rejected = rejected + [Rejected(h.item, h.keyword, "感叹语气，说的是服务问题，没有正在发生的险情", h.start) for h in emergency_hits]
            hits = [h for h in hits if h not in emergency_hits]
            emergency_hits = []
        if emergency_hits:
            return self._emergency(layout, emergency_hits, model_platform, place, base)

        rejected_alarms = [r for r in rejected if r.item.is_emergency or r.item.platform in EMERGENCY_PLATFORMS]
        seen: set[tuple[str, str]] = set()
        for r in rejected_alarms:
            if (r.keyword, r.why) not in seen and len(seen) < 4:
                seen.add((r.keyword, r.why))
                reasons.append(f"「{r.keyword}」未触发{PLATFORM_NAMES[r.item.platform]}：{r.why}")

        # Safety net: the words of an emergency the list does not know yet. When the list explicitly
        # discounted an alarm (negated, past, hypothetical) the model is not allowed to raise it again.
        emergency_p = self._emergency_probability(probs)
        service_hits = [h for h in hits if h.item.platform == "12345"]
        short = not layout.long and not layout.title_end
        handed_over = any(h.item.direction == "110→12345" or h.item.platform in ("guidance", "invalid") for h in hits)
        # A caller who says what kind of service request this is ("我要投诉", "请问", "这司机太不像话了") and nothing urgent
        # is not raising an alarm the list missed.
        # The model's 110 also needs a word that it is happening now (a car parked in the way "一直" is not a call).
        # Nor does one who tells of a doctor already seen or care already given ("去医院看了说是过敏") with nothing urgent.
        # (Read only where a model emergency is in question: three searches of the whole text otherwise wasted.)
        def says_service() -> bool:
            told = bool(_SERVICE_TOLD.search(text)) and not _TOLD_NOW.search(text)
            return ((bool(_SERVICE_SAID.search(text)) or bool(AFTERMATH.search(text)) or told) and not URGENT.search(text)) or (
                emergency_p is not None and emergency_p[0] == "110" and not has_urgency(text))

        if short and emergency_p is not None and not rejected_alarms and emergency_p[1] >= MODEL_EMERGENCY_THRESHOLD and not says_service():
            label, p = emergency_p
            # 110 covers much that is not urgent ("有人遛狗不拴绳"): it needs a surer model than 119/120; an item the
            # list explicitly hands from 110 to 12345 ("110→12345") silences it, any other 12345 item asks for more.
            needed = max(MODEL_POLICE_THRESHOLD if label == "110" else MODEL_EMERGENCY_THRESHOLD, MODEL_SURE_OVER_ITEM if service_hits else 0.0)
            # A handed-over item named only in passing ("电梯里有个男的…", "地下室进水了，我爸还在下面") does not silence a
            # model that is sure of an emergency happening now.
            overruled = handed_over and not (p >= MODEL_SURE_OVER_HANDED and has_urgency(text))
            if not overruled and p >= needed and not any(h.item.platform == "110" for h in hits):
                return self._result(
                    text, platform=label, hit=None, department=PLATFORM_UNITS[label],
                    category=self._model_category(probs, None), level="较大", confidence=round(float(p), 2),
                    reasons=[f"安全优先：未命中清单紧急事项，但模型判断疑似紧急（{PLATFORM_NAMES[label]}，概率 {p:.2f}），请接线员立即核实"] + reasons,
                    place=place, base=base, emergency=True, needs_review=True,
                )

        police = [h for h in hits if h.item.platform in EMERGENCY_PLATFORMS]
        if police:
            hit = police[0]
            return self._result(
                text, platform=hit.item.platform, hit=hit, department=hit.item.department, category=list(hit.item.category),
                level=_level_for(hit.item.level, sentence_of(text, hit.start, hit.start + len(hit.keyword))), confidence=0.85,
                reasons=[self._hit_reason(hit)] + reasons, place=place, base=base,
            )

        others = [h for h in hits if h.item.platform != "invalid"]
        guidance = [h for h in others if h.item.platform == "guidance"]
        service = [h for h in others if h.item.platform == "12345"]
        if guidance and (not service or guidance[0].item.priority >= service[0].item.priority):
            hit = guidance[0]
            return self._result(
                text, platform="guidance", hit=hit, department=None, category=[], level="一般", confidence=0.8,
                reasons=[self._hit_reason(hit), "不属于 12345 和 110 受理范围，应做好引导和解释（如向人民法院、仲裁机构、金融机构咨询）"] + reasons,
                place=place, base=base,
            )

        if not service:
            invalid = [h for h in hits if h.item.platform == "invalid"]
            if invalid and len(text) <= 40:
                return self._result(
                    text, platform="invalid", hit=invalid[0], department=None, category=[], level="一般", confidence=0.85,
                    reasons=[self._hit_reason(invalid[0]), "未提出具体诉求"] + reasons, place=place, base=base,
                )
            if model_platform is not None:
                label, p = model_platform
                # Never when the list has just explained why an alarm word does not count here.
                if label in EMERGENCY_PLATFORMS and p >= 0.5 and short and not rejected_alarms and not handed_over and not says_service():
                    return self._result(
                        text, platform=label, hit=None, department=PLATFORM_UNITS[label],
                        category=self._model_category(probs, None), level="较大" if label != "110" else "一般", confidence=round(float(p), 2),
                        reasons=[f"未命中清单，模型判断属于{PLATFORM_NAMES[label]}（概率 {p:.2f}），请接线员核实"] + reasons,
                        place=place, base=base, emergency=label != "110", needs_review=True,
                    )
                # Guidance only by the list (a content-free "我想咨询一下" must not be turned away); invalid when sure and short.
                if label == "invalid" and p >= 0.8 and len(text) <= 40:
                    return self._result(
                        text, platform=label, hit=None, department=None, category=[], level="一般", confidence=round(float(p), 2),
                        reasons=[f"未命中清单，模型判断为{PLATFORM_NAMES[label]}（概率 {p:.2f}）"] + reasons, place=place, base=base,
                    )
        return self._service(layout, service, probs, place, base, reasons)

    def _drop_background_alarms(self, layout: Layout, hits: list[Hit]) -> tuple[list[Hit], list[Rejected]]:
        """In a long message an alarm word told as background (not in the title or the request, with nothing
        saying it is happening now) does not make it an emergency; nor does one in a shorter titled post (written,
        not a live call) with nothing urgent in its sentence. Overdose, poisoning and self-harm always do."""
        if not layout.written:
            return hits, []
        kept, dropped = [], []
        # A title naming a service request or a hazard ("……的投诉", "存在倒塌隐患"): the body needs an urgent word.
        strict = service_title(layout.text[: layout.title_end])
        for hit in hits:
            item = hit.item
            if not (item.is_emergency or item.platform in EMERGENCY_PLATFORMS):
                kept.append(hit)
                continue
            spans = hit.spans or ((hit.keyword, hit.start, hit.start + len(hit.keyword)),)
            if item.never_miss:
                # Overdose, poisoning, self-harm: dropped only when every mention is told as past ("自杀后……").
                live = [s for s in spans if not told_as_past(layout.text, s[1], s[2], layout.title_end)]
                why = "书面留言中讲述的是以前发生的事，全文没有正在发生、需要紧急处置的说法"
            else:
                # The title of a written message is not a live call either: it needs a word saying it is happening now.
                live = [s for s in spans if has_urgency(_utterance(layout, s[1], s[2]), strict=strict)]
                why = "长篇留言中的背景叙述，标题和诉求都不是紧急求助" if layout.long else "书面留言中的叙述，没有正在发生、需要紧急处置的说法"
            if live:
                kept.append(Hit(item, live[0][0], live[0][1], hit.keywords, tuple(live)))  # = replace(hit, spans=…, keyword=…, start=…)
            else:
                dropped.append(Rejected(item, hit.keyword, why, hit.start))
        return kept, dropped

    def _emergency(self, layout: Layout, hits: list[Hit], model_platform, place, base) -> TriageResult:
        text = layout.text
        hit = hits[0]
        item = hit.item
        reasons = [f"安全优先：{self._hit_reason(hit)}，立即转{PLATFORM_NAMES[item.platform]}"]
        sentence = sentence_of(text, hit.start, hit.start + len(hit.keyword))
        secondary: list[str] = []
        for other in item.secondary:
            if other.platform != item.platform and (other.when is None or other.when.search(sentence) or other.when.search(text)):
                if other.platform not in secondary:
                    secondary.append(other.platform)
                    reasons.append(f"同时通知{PLATFORM_NAMES[other.platform]}" + (f"：{other.reason}" if other.reason else ""))
        also = sorted({h.item.platform for h in hits[1:] if h.item.platform != item.platform and h.item.platform not in secondary})
        if also:
            secondary.extend(also)
            reasons.append("同时涉及：" + "、".join(PLATFORM_NAMES[p] for p in also) + "，请联动处置")
        if model_platform is not None and model_platform[0] not in EMERGENCY_PLATFORMS:
            reasons.append(f"模型倾向 {model_platform[0]}（概率 {model_platform[1]:.2f}），已按安全规则覆盖")
        level = _level_for(item.level, sentence)
        if level != "一般":
            reasons.append(f"事件等级：{level}" + ("（较大及以上事件由 110 先行处置，同时通知 12345 协调联合处置）" if level != "较大" else ""))
        return self._result(
            text, platform=item.platform, hit=hit, department=item.department if item.department in self.catalog.units else None,
            category=list(item.category), level=level, confidence=0.95 if len(hits) > 1 or len(hit.keyword) > 2 else 0.9,
            reasons=reasons, place=place, base=base, emergency=True, secondary=secondary,
        )

    # ------------------------------------------------------------ 12345: which unit

    def _live_spans(self, layout: Layout, hit: Hit) -> tuple[list[tuple[str, int, int]], str | None]:
        """The spans of a 12345 hit that are about the request, and why the others were set aside."""
        key = ("live", hit.item.id, hit.spans, hit.keyword, hit.start)
        found = layout.memo.get(key)
        if found is None:
            found = layout.memo[key] = self._find_live_spans(layout, hit)
        return list(found[0]), found[1]

    @staticmethod
    def _find_live_spans(layout: Layout, hit: Hit) -> tuple[list[tuple[str, int, int]], str | None]:
        live, why = [], None
        for word, start, end in hit.spans or ((hit.keyword, hit.start, hit.start + len(hit.keyword)),):
            clause = layout.clause_at(start, end)
            if any(p.search(clause) for p in hit.item.incidental):
                why = why or f"「{word}」只是顺带提及"
                continue
            if is_landmark(layout.text, start, end):
                why = why or f"「{word}」在这里是地名、地标"
                continue
            if is_cited(layout.text, start):
                why = why or f"「{word}」在引用的法规、文件名称中"
                continue
            if hit.item.department != "gaj" and is_impersonated(layout.text, start):
                why = why or f"「{word}」是被冒充的对象，事情本身是冒充"
                continue
            live.append((word, start, end))
        return live, why

    def _candidates(self, layout: Layout, hits: list[Hit], probs, reasons: list[str]) -> list[_Candidate]:
        dept = probs.get("department") if probs else None
        candidates: dict[str, _Candidate] = {}
        live_hits = []
        for hit in hits:
            if hit.item.department not in self.catalog.units:
                continue
            live, why = self._live_spans(layout, hit)
            if not live:
                if why and len(reasons) < 8:
                    reasons.append(f"未按清单事项 {hit.item.id}「{hit.item.name}」分派：{why}")
                continue
            live_hits.append((hit, live))
        # The longest phrase wins where items overlap: "违章搭建" is not "违章", "居家养老" is not "养老".
        # Only a longer span can cover one, so the spans are tried longest first and the search stops at the first
        # no longer than the span in hand; with a single item nothing is covered.
        longest_first = sorted(((end - start, start, end, hit.item.id) for hit, live in live_hits for _, start, end in live), reverse=True)
        several = len({hit.item.id for hit, _ in live_hits}) > 1
        for hit, live in live_hits:
            if several:
                item_id, kept = hit.item.id, []
                for s in live:  # = not any(a longer span of another item covers s)
                    _, left, right = s
                    width = right - left
                    for length, a, b, o in longest_first:
                        if length <= width:
                            kept.append(s)
                            break
                        if a <= left and right <= b and o != item_id:
                            break
                    else:
                        kept.append(s)
                live = kept
                if not live:
                    continue
            unit = hit.item.department
            # = dataclasses.replace(hit, …) without its per-call field walk (Hit is a plain frozen dataclass)
            hit = Hit(hit.item, max(live, key=lambda s: len(s[0]))[0], live[0][1], tuple(w for w, _, _ in live), tuple(live))
            roles = {self._role_of(layout, start, end) for _, start, end in live}
            bonus = max(ROLE_BONUS.get(r, 0.0) for r in roles)
            if layout.long and roles <= {"body", "greeting", "aside", "intro"}:
                bonus -= 0.1  # background only
            score = hit.item.priority / 100 + hit.strength + bonus
            current = candidates.get(unit)
            if current is None or score > current.rule:
                candidates[unit] = _Candidate(unit, rule=score, hit=hit, in_request=bool(roles & {"title", "request", "request_context"}))
        duty_text = self.detector.mask(layout.focus() if layout.long else layout.text)
        for unit, match in self.duties.match(duty_text).items():
            candidate = candidates.setdefault(unit, _Candidate(unit))
            candidate.duty, candidate.duty_terms = match.score, match.terms
        for sentence in layout.sentences:
            if sentence.role in ("title", "request"):
                for unit, word in self.names.named(layout.text, sentence.start, sentence.end, asked=sentence.role == "request").items():
                    if unit in self.catalog.units:
                        candidate = candidates.setdefault(unit, _Candidate(unit))
                        candidate.named = candidate.named or word
        units = self.catalog.units
        # (class position, unit, p) of the units only the model names, the likeliest first (see below).
        model_only: list[tuple[int, str, float]] = []
        if dept is not None:
            for unit, c in candidates.items():
                i = dept.position.get(unit)
                if i is not None and unit in units:
                    c.model_p = dept.p[i]
            model_only = likeliest_others(dept, besides=candidates, units=units)
        for c in candidates.values():
            weight = W_MODEL if c.hit is not None else W_MODEL_ONLY
            c.score = c.rule + weight * c.model_p + W_DUTY * min(c.duty, 1.0) + (W_NAMED if c.named else 0.0)
        # Only the best three are used (the choice, the runner-up, the alternatives): the units only the model
        # names are scored as plain pairs and become candidates when they are among them. Ties keep the order
        # the candidates were found in (rule, duty, model: class order), as the full stable sort did.
        # (A model-only unit scores 0.0 + W_MODEL_ONLY * p + W_DUTY * 0.0, which is W_MODEL_ONLY * p for p >= 0.)
        seq = len(candidates)
        pool = [(-c.score, i, c) for i, c in enumerate(candidates.values())]
        pool += [(-(W_MODEL_ONLY * p), seq + i, (unit, p)) for i, unit, p in model_only]
        top = []
        for neg, _, c in heapq.nsmallest(3, pool, key=_rank):
            if isinstance(c, tuple):
                c = _Candidate(c[0], model_p=c[1])
                c.score = -neg
            top.append(c)
        return top

    @staticmethod
    def _role_of(layout: Layout, start: int, end: int) -> str:
        """The sentence's role, except that the writer's self-introduction is background wherever it sits."""
        role = layout.role_at(start)
        if role in ("body", "request") and layout.is_intro(start, end):
            return "intro"
        # In a request sentence the clause that asks ("你们管一管这个物业") names the matter; its other clauses tell.
        if role == "request" and not REQUEST_CUE.search(layout.clause_at(start, end)):
            return "request_context"
        return role

    def _candidate_reasons(self, c: _Candidate) -> list[str]:
        out = []
        if c.hit is not None:
            out.append(self._hit_reason(c.hit))
            if c.hit.item.id in self.takeovers:
                out.append(f"依据单位职责「{self.takeovers[c.hit.item.id][1]}」")
        if c.duty_terms and (c.hit is None or c.hit.item.id not in self.takeovers):
            out.append(f"单位职责包含「{'、'.join(c.duty_terms)}」")
        if c.named:
            out.append(f"诉求点名「{c.named}」")
        if c.model_p >= 0.05:
            out.append(f"模型概率 {c.model_p:.2f}")
        return out or ["备选"]

    def _service(self, layout: Layout, hits: list[Hit], probs, place, base, reasons) -> TriageResult:
        text = layout.text
        candidates = self._candidates(layout, hits, probs, reasons)
        model_top = self._top(probs, "department")
        chosen = candidates[0] if candidates else None
        if chosen is None:
            department = "sd" if "sd" in self.catalog.units else None
            reasons.insert(0, "未命中清单且无模型，按首接负责制由属地先行受理")
            confidence = 0.3
        else:
            department = chosen.unit
            unit = self.catalog.units.get(department)
            if chosen.hit is not None:
                reasons.insert(0, self._hit_reason(chosen.hit))
                if chosen.hit.item.id in self.takeovers:
                    reasons.insert(1, f"依据单位职责「{self.takeovers[chosen.hit.item.id][1]}」，由{unit.name if unit else department}承办")
                if chosen.named:
                    reasons.insert(1, f"诉求点名「{chosen.named}」")
            elif chosen.named and chosen.duty < 0.5 and chosen.model_p < 0.5:
                reasons.insert(0, f"未命中清单，诉求点名「{chosen.named}」：{unit.name if unit else department}")
            elif chosen.duty_terms and chosen.duty >= chosen.model_p:
                reasons.insert(0, f"未命中清单，单位职责包含「{'、'.join(chosen.duty_terms)}」：{unit.name if unit else department}")
            else:
                reasons.insert(0, f"未命中清单，模型判断承办单位为{unit.name if unit else department}（概率 {chosen.model_p:.2f}）")
            runner = candidates[1].score if len(candidates) > 1 else 0.0
            features = {
                "score_top": chosen.score,
                "margin": chosen.score - runner,
                "model_p": chosen.model_p,
                "model_agrees": float(model_top is not None and model_top[0] == department),
                "rule_hit": float(chosen.hit is not None),
                "rule_in_request": float(chosen.in_request),
                "long_text": float(layout.long),
            }
            confidence = self.calibration(features)
        if department not in self.catalog.units:
            department = None

        request_type, type_reason, _ = self._request_type(layout, probs, chosen.hit.item if chosen and chosen.hit else None)
        reasons.append(type_reason)
        category, category_p = self._model_category(probs, department, with_probability=True)
        # The matched item's category wins unless the model is sure of a more specific one for the same unit.
        item = chosen.hit.item if chosen and chosen.hit else None
        if item is not None and item.category and item.department == department and category_p < 0.6:
            category = list(item.category)
        category = self.catalog.valid_category(category)
        if chosen is not None and chosen.hit is None and confidence < 0.35:
            reasons.append("诉求归属不明确，按首接负责制由 12345 先行受理，必要时协商确定承办单位")
        alternatives = self._alternatives(candidates, confidence)
        threshold = self.calibration.threshold
        needs_review = confidence < threshold
        if needs_review:
            others = "、".join(a["department_name"] for a in alternatives[1:3])
            reasons.append(f"{REVIEW_LABEL}：置信度 {confidence:.2f} 低于 {threshold:.2f}" + (f"，备选：{others}" if others else ""))
        result = self._result(
            text, platform="12345", hit=chosen.hit if chosen else None, department=department, category=category, level="一般",
            confidence=round(float(confidence), 2), reasons=reasons, place=place, base=base, request_type=request_type,
            needs_review=needs_review, alternatives=alternatives,
        )
        result.scores = features if chosen is not None else {}
        return result

    def _alternatives(self, candidates: list[_Candidate], confidence: float) -> list[dict]:
        """The three most likely units: the first with the calibrated confidence, the others sharing the rest by score."""
        top = candidates[:3]
        if not top:
            return []
        rest = top[1:]
        total = sum(max(c.score, 1e-6) for c in rest) or 1.0
        out = []
        for i, c in enumerate(top):
            p = confidence if i == 0 else (1.0 - confidence) * max(c.score, 1e-6) / total * min(1.0, total / max(top[0].score, 1e-6))
            unit = self.catalog.units.get(c.unit)
            out.append({"department": c.unit, "department_name": unit.name if unit else c.unit, "probability": round(float(p), 2), "reasons": self._candidate_reasons(c)})
        return out

    # ------------------------------------------------------------ pieces

    def _request_type(self, layout: Layout, probs, item: TransferItem | None) -> tuple[str, str, float]:
        title = layout.title()
        if title:
            m = _TITLE_TYPES.search(title)
            if m:
                kind = _TITLE_TYPE_OF[m.group(0)]
                return kind, f"诉求类型：{REQUEST_TYPE_NAMES[kind]}（标题写明「{m.group(0)}」）", 0.95
        # A body that opens with a label ("举报：", "建议：") names its kind as plainly as a title does.
        m = _LEAD_TYPE.match(layout.text, layout.title_end)
        if m:
            kind = _TITLE_TYPE_OF[m.group(1)]
            return kind, f"诉求类型：{REQUEST_TYPE_NAMES[kind]}（开头写明「{m.group(1)}」）", 0.95
        requests = layout.requests() if layout.long or title else []
        explicit = {}
        # Explicit words decide: in the request sentences of a long message, anywhere in a short one.
        for sentence in requests if layout.long else [layout.text]:
            for m in _EXPLICIT.finditer(sentence):
                explicit.setdefault(_EXPLICIT_OF[m.group(0)], m.group(0))
        # A question ("想问问能不能申请低保") in a message that also asks to be helped ("希望帮帮我们") is a request
        # for help put as a question, not a consultation.
        if set(explicit) == {"consult"} and explicit["consult"] in ("请问", "想问"):
            if any(_HELP_ASKED.search(sentence) for sentence in (requests if layout.long else [layout.text])):
                explicit = {}
        if len(explicit) == 1:
            kind, word = next(iter(explicit.items()))
            return kind, f"诉求类型：{REQUEST_TYPE_NAMES[kind]}（诉求写明「{word}」）", 0.9
        scores = dict(self._dist(probs, "request_type"))
        if layout.long and scores:
            # On long messages the model reads the tone of the whole story; the title and the request say more.
            flat = {k: v ** 0.5 for k, v in scores.items()}
            total = sum(flat.values()) or 1.0
            scores = {k: 0.6 * v / total for k, v in flat.items()}
        for name in REQUEST_TYPE_NAMES:
            scores.setdefault(name, 0.0)
        cues = []
        pieces = [(layout.text, 1.0)]
        if layout.long:
            # The request and the title say more about the kind of request than the background does.
            pieces = [(title, 1.0), ("。".join(requests), 1.0), (layout.text, 1 / 3)]
        for name, patterns in _TYPE_CUES.items():
            best = 0.0
            for pattern, weight in patterns:
                for piece, share in pieces:
                    if not piece or weight * share <= best:
                        continue  # a match here could not raise the best: not searched
                    m = pattern.search(piece)
                    if m:
                        best = weight * share
                        cue = m.group(0)
            if best:
                scores[name] += best
                cues.append(cue)
        if item is not None and item.request_type:
            scores[item.request_type] += 0.3
        best = max(scores, key=lambda k: scores[k])
        total = sum(scores.values()) or 1.0
        conf = scores[best] / total
        evidence = f"线索「{'、'.join(dict.fromkeys(cues[:3]))}」" if cues else "依据模型"
        return best, f"诉求类型：{REQUEST_TYPE_NAMES[best]}（{evidence}）", conf

    def _model_category(self, probs, department: str | None, *, with_probability: bool = False):
        found: tuple[list[str], float] = ([], 0.0)
        if probs and "category" in probs:
            labels, ps, order, _ = probs["category"]
            # = sorted(…, reverse)[:6] of the (label, p) pairs, ties in class order (labels are distinct).
            for i in order[:6]:
                label = labels[i]
                if department is None or self._category_fits(label.split("/"), department):
                    found = (label.split("/"), ps[i])
                    break
        return found if with_probability else found[0]

    def _category_fits(self, category: list[str], department: str) -> bool:
        units = self._category_units.get("/".join(category))
        return units is None or department in units

    def _result(
        self, text, *, platform, hit, department, category, level, confidence, reasons, place, base,
        request_type=None, emergency=False, needs_review=False, alternatives=None, secondary=None,
    ) -> TriageResult:
        if place:
            name = self.catalog.divisions.get(base["division_code"], base["division_code"])
            reasons.append(f"属地：{name}（依据「{place}」）")
        return TriageResult(
            platform=platform,
            request_type=request_type if platform == "12345" else None,
            category=self.catalog.valid_category(category),
            department=department,
            level=level,
            confidence=float(confidence),
            reasons=list(dict.fromkeys(r for r in reasons if r)),
            transfer_item_id=hit.item.id if hit else None,
            transfer_item_name=hit.item.name if hit else None,
            emergency=emergency,
            needs_review=bool(needs_review),
            review_label=REVIEW_LABEL if needs_review else None,
            alternatives=alternatives or [],
            secondary_platforms=list(secondary or []),
            **base,
        )

    @staticmethod
    def _hit_reason(hit: Hit) -> str:
        return f"命中分流转办事项 {hit.item.id}「{hit.item.name}」，关键词「{hit.keyword}」"

    @staticmethod
    def _dist(probs, head: str) -> dict[str, float]:
        if not probs or head not in probs:
            return {}
        return dict(zip(probs[head].classes, probs[head].p))

    @staticmethod
    def _emergency_probability(probs) -> tuple[str, float] | None:
        """(most likely emergency platform, total probability of the three) from the platform head."""
        if not probs or "platform" not in probs:
            return None
        dist = dict(zip(probs["platform"].classes, probs["platform"].p))
        parts = {p: dist.get(p, 0.0) for p in EMERGENCY_PLATFORMS}
        return max(parts, key=parts.get), sum(parts.values())

    @staticmethod
    def _top(probs, head: str) -> tuple[str, float] | None:
        if not probs or head not in probs:
            return None
        classes, p, order, _ = probs[head]
        i = order[0]  # = max(range(len(p)), key=p.__getitem__): the first of the most likely
        return classes[i], p[i]
