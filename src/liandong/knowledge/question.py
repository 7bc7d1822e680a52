"""A caller's question as the documents would word it, and the kind of answer it asks for. Pure.

`normalize` turns dialect and spoken forms into written ones ("俺身份证丢了咋整" → "我身份证丢了怎么办"),
drops fillers and turns a trailing "…不 / …没" into a question mark. `expected` reads the question word
("多少钱", "什么时候", "在哪") into what a sentence that answers it must contain (an amount, a date, a
place), which the answer step checks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_SPACE_RE = re.compile(r"\s+")
# "还要居住证不", "有儿科大夫没": a yes/no question ending in a negation.
_TRAILING_NEGATION_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:不|没有?|没得)(?:呀|啊|呢)?[？?。!！]*$")
# "管不管", "能不能", "有没有", "可以不可以": the A-not-A question is A asked; at the end it is "A吗".
_A_NOT_A_RE = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1")
_A_NOT_A_END_RE = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1$")
_TRAILING_PUNCT_RE = re.compile(r"[？?。!！~～…]+$")
# Hesitations at the start or before a pause ("嗯，那个，…", "就是那个…").
_FILLER_RE = re.compile(r"(?:^|(?<=[,，、\s]))(?:嗯|呃|啊|哎|喂|那个|这个|就是|是这样的?|我说)+(?=[,，、\s]|$)")
_PAUSES_RE = re.compile(r"^[,，、\s]+|(?<=[,，、])[,，、\s]+")


def load_colloquial(path: Path | None = None) -> list[tuple[str, str]]:
    """Spoken form → written form pairs from a tab-separated file; longest spoken form first."""
    pairs = []
    for line in (path or DATA_DIR / "colloquial.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spoken, _, written = line.partition("\t")
        if spoken.strip():
            pairs.append((spoken.strip(), written.strip()))
    pairs.sort(key=lambda pair: -len(pair[0]))
    return pairs


@lru_cache(maxsize=4)
def _pattern(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern | None, dict[str, str]]:
    mapping = dict(pairs)
    if not mapping:
        return None, mapping
    return re.compile("|".join(re.escape(spoken) for spoken, _ in pairs)), mapping


@lru_cache(maxsize=1)
def default_colloquial() -> tuple[tuple[str, str], ...]:
    return tuple(load_colloquial())


def normalize(question: str, pairs: tuple[tuple[str, str], ...] | None = None) -> str:
    """Written form of a spoken question: NFKC, blanks collapsed, dialect words replaced, fillers dropped."""
    text = unicodedata.normalize("NFKC", question or "")
    text = _SPACE_RE.sub(" ", text).strip()
    pattern, mapping = _pattern(default_colloquial() if pairs is None else pairs)
    if pattern is not None:
        text = pattern.sub(lambda match: mapping[match.group(0)], text)
    text = _FILLER_RE.sub("", text)
    text = _PAUSES_RE.sub("", text)
    before_a_not_a = text
    text = _A_NOT_A_RE.sub(lambda match: match.group(1), text)
    if _A_NOT_A_END_RE.search(before_a_not_a.rstrip("？?。!！ ")):
        text = _TRAILING_PUNCT_RE.sub("", text) + "吗"
    text = _TRAILING_NEGATION_RE.sub("吗", text)
    text = _TRAILING_PUNCT_RE.sub("", text).strip(" ，,、")
    return text or (question or "").strip()


@dataclass(frozen=True)
class Expectation:
    """What an answering sentence must contain for a question word, with its name for the reasons."""

    kind: str  # amount / money / time_of_day / age / frequency / duration / date / place / person / none
    label: str
    pattern: re.Pattern | None


_NUMBER = r"(?:\d|[一二三四五六七八九十百千万两半])"
# A count: digits, or Chinese numerals with a measure word ("两个", "三项"), not the 一 of "统一".
_COUNT = r"\d|[一二三四五六七八九十百千两]+(?:个|家|项|名|处|所|条|件|起|人|次|倍|成|类|批|种|年|天)"
# How often ("多长时间通报一回", "一年开几次"): a frequency, which the documents write 每月 / 定期 / 年度. It
# comes before the counts ("几次" alone is a count).
_FREQUENCY_CUE = re.compile(
    r"(?:多久|多长时间|多少天|几[天年]|几个月)[^，,。？?]{0,6}[一1][次回趟]|[一每][年月季周][^，,。？?]{0,6}几[次回趟]|每隔多久|隔多久|多频繁|频次"
)
FREQUENCY = Expectation(
    "frequency",
    "频次",
    re.compile(r"每(?:年|月|季度|季|周|天|日|半年|隔|[一二两三四五六七八九十\d]+(?:个)?(?:年|月|周|天|日))|定期|年度|季度|一年一次|半年一次|常态化"),
)
_EXPECTATIONS: tuple[tuple[re.Pattern, Expectation], ...] = (
    (
        re.compile(
            r"多少钱|几块钱|多少元|收费多少|收多少|交多少|缴多少|补多少|补贴多少|罚多少|奖多少|花了多少|费用多少|价格|起步价|多少费"
            r"|(?:工资|薪水|薪酬|费用|价钱|票价|学费|房租|租金|利率|罚款|奖金)(?:是|有|大概|一般)?多少"
        ),
        Expectation("money", "金额", re.compile(_NUMBER + r"[\d.]*\s*(?:千|万|亿)?(?:余|多)?(?:万|亿)?元|免费|不收费|收费标准")),
    ),
    (
        re.compile(r"几点|什么时间(?:上班|下班|开门|关门)|开门|关门|上班时间|下班时间"),
        Expectation("time_of_day", "钟点", re.compile(_NUMBER + r"+\s*(?:时|点|:\d)|小时|全天|24小时")),
    ),
    (
        re.compile(r"多少岁|几岁|多大岁数|什么年龄|哪个年龄|年龄段"),
        Expectation("age", "年龄", re.compile(r"岁|周岁|年龄")),
    ),
    (
        re.compile(r"多久|多长时间|几天|几个工作日|几个月|要多少天|多少天|等几天|几年"),
        Expectation("duration", "时长", re.compile(_NUMBER + r"+\s*(?:个)?(?:工作日|日|天|周|个月|月|年|小时)|当天|当场|即时|实时|立即")),
    ),
    (
        re.compile(r"什么时候|哪天|哪一天|几号|几月|哪年|何时|截止|从哪天|多会|到什么时间"),
        Expectation("date", "日期", re.compile(r"\d{4}年|\d{1,2}月|\d{1,2}日|[年月]底|年内|(?:\d|[年月日底])(?:前|起|以来)|即日起|已经|目前")),
    ),
    (
        re.compile(r"多少|几个|几家|几名|几所|几项|几处|几条|几起|多大|多高|多长|多远|比例|占比|百分之|多少人|几成|几次"),
        Expectation("amount", "数量", re.compile(_COUNT)),
    ),
    (
        re.compile(
            r"在哪|哪里|哪儿|去哪|什么地方|哪个(?:镇|县|区|市|乡|村|地方|窗口|医院|网点|网站)|哪个部门|哪个单位|找谁|找哪|谁管|归哪|归谁"
            # Who leads or answers for it ("谁牵头", "由谁负责"): a body, named like a place. ("谁来保护" asks
            # whether anyone does, which a provision answers without naming the body.)
            r"|谁(?:负责|牵头|主管|主抓)|由谁|什么部门|哪个机构|哪家单位"
        ),
        Expectation(
            "place",
            "地点或单位",
            re.compile(r"[市县区镇乡村]|局|厅|委|中心|部门|单位|窗口|医院|学校|网点|平台|App|app|网站|大厅|派出所|机关|政府|机构|公司"),
        ),
    ),
    (
        re.compile(r"是谁|谁是|什么职务|什么职|什么官|任命|免职|免了"),
        Expectation("person", "人员或职务", re.compile(r"[为的].{0,30}(?:职务|主任|局长|长|书记|秘书长|委员)|任命|免去")),
    ),
)

NO_EXPECTATION = Expectation("none", "", None)

# Words of a spoken question that carry no subject of their own (beyond the search stopwords): they are
# not asked to appear in an answering sentence.
QUESTION_FILLERS = frozenset(
    """不能 不会 不是 不行 不用 不快 不给 不了 跟 得 成 一点 一点儿 多 大 还是 谁 先 干 子 快 搞 弄 整 人 有人 该不该 能不能 会不会 是不是
    要不要 行不行 可不可以 有没有 没 点 些 那边 这边 那儿 这儿 那里 这里 一起 马上 现在 最 太 主要 用 买 方便 这事 那事 事儿 事情 情况
    东西 时候 当天 今年 还得 得要 还要 要求 需要 能够 肯定 到底 究竟 一般 平时 一直 已经 老是 总是 直接 自己 本人 咱 俺 娃 那 这 啊
    呗 哈 嘛 么 吧 呢 咧 我家 你家 他家 咱家 没办 还没 没有办 哪家 哪些 哪个 多久 多长 多少 几个 几 怎么样 什么样 给 被 让 叫 把 去 来 到 在 上 下 里 对 向 从 往""".split()
)


# "多少人", "几家", "多少公里": the count must come with that measure word ("3.3万余人", "259家").
_MEASURED_RE = re.compile(
    r"(?:多少|几)(个|家|项|名|处|所|条|件|起|人次|人|次|吨|公里|千米|亩|万元|元|辆|台|岁|年|天|个月|月|户|座|套|位|批|类|种|倍|"
    r"平方米|毫米|米|小时|分钟|个工作日|工作日|场|场次|站|所学校|所医院)"
)


def expected(question: str) -> Expectation:
    """The first question word that names a kind of answer; NO_EXPECTATION for yes/no and how-to questions."""
    if _FREQUENCY_CUE.search(question):
        return FREQUENCY
    measured = _MEASURED_RE.search(question)
    # Money, ages and durations have their own kinds below; "几个" names no unit of its own.
    if measured and measured.group(1) not in ("个", "元", "万元", "岁", "年", "天", "个月", "月", "小时", "分钟", "个工作日", "工作日"):
        unit = measured.group(1)
        return Expectation(
            "amount",
            f"数量（{unit}）",
            re.compile(r"(?:\d[\d.,]*|[一二三四五六七八九十百千两]+)\s*(?:万|亿)?\s*(?:余|多|左右)?\s*" + re.escape(unit)),
        )
    for cue, expectation in _EXPECTATIONS:
        if cue.search(question):
            return expectation
    return NO_EXPECTATION


def satisfies(sentence: str, expectation: Expectation) -> float:
    """1.0 when the sentence has what the question word asks for, 0.0 when it lacks it, 0.5 when nothing is asked."""
    if expectation.pattern is None:
        return 0.5
    return 1.0 if expectation.pattern.search(sentence) else 0.0


@dataclass(frozen=True)
class Form:
    """What kind of statement a question's form asks for, beyond a figure: how a wrong is dealt with, why
    something happens, what is planned next, what a body does, which things a list holds."""

    kind: str
    pattern: re.Pattern  # the words of a sentence that make such a statement


# (the question's cue, the form). A-not-A questions are already read as the thing asked (管不管 → 管吗).
_FORMS: tuple[tuple[re.Pattern, Form], ...] = (
    (
        re.compile(r"[咋怎]么?(?:处理|处罚|办|弄|整|管)|管吗|查吗|打吗|打击吗|罚吗|追责|有人管|谁管|整治吗|处理吗|严打"),
        Form("enforce", re.compile(r"依法|严厉|打击|惩治|惩处|查处|严查|严处|处罚|追究|整治|处置|严禁|禁止|曝光|管控|监管|约谈|清理|纠正")),
    ),
    (
        re.compile(r"为啥|为什么|为何|咋回事|怎么回事|啥原因|什么原因|原因|[啥什么]+引起|引起的|造成的"),
        Form("cause", re.compile(r"因|由于|原因|导致|引发|造成|诱发|老化|不符合|为了")),
    ),
    (
        re.compile(r"下一步|打算|以后[咋怎]|今后|将来|往后"),
        Form("plan", re.compile(r"下一步|今后|将|计划|力争|预计|持续|继续")),
    ),
    (
        re.compile(r"干[啥嘛什么]|做[啥什么]|负责[啥什么]|管[啥什么]|主要干|职责"),
        Form("duty", re.compile(r"负责|职责|承担|主要|牵头|统筹")),
    ),
    (
        # What a term means: a definition ("…是指…", "指的是…").
        re.compile(r"[啥什么]叫|什么是|[啥什么]意思|指的?是?[啥什么]|[啥什么]概念"),
        Form("definition", re.compile(r"是指|指的是|所称|定义|即[是为]")),
    ),
    (
        # Which way something went: more or less, up or down, compared with before.
        re.compile(r"是[少多降涨减增]了|[少多降涨减增]了[吗没]?$|多了还是少了|少了还是多了|[升涨增]还是[降跌减]|[降跌减]还是[升涨增]|跟[往去前]年比|比[往去前]年|变化|趋势|好转|[咋怎]么?样了"),
        Form("trend", re.compile(r"下降|上升|增长|增加|减少|提高|降低|好转|向好|接近|持平|高于|低于|扩大|缩小|同比|较[上去往]")),
    ),
    (
        # What is to be reached: a target by a year, what something should become.
        re.compile(r"[啥什么]目标|目标是|达到[啥什么]|搞成[啥什么]|成[啥什么]样|[啥什么]程度|要求[啥什么]"),
        Form("goal", re.compile(r"目标|达到|[增延提降]\w?至|控制在|保持在|稳定在|实现|覆盖|基本|显著|力争|明显|不低于|以上|以内")),
    ),
    (
        # Whether good work is rewarded.
        re.compile(r"奖励|奖不奖|有奖|表彰|奖补|补贴吗"),
        Form("reward", re.compile(r"激励|奖励|表彰|奖补|补助|补贴|倾斜|给予|通报表扬")),
    ),
    (
        re.compile(r"哪些|哪几[种类个样项]|都有[啥什么]|包括[啥什么哪]|[啥什么]类型|几种"),
        Form("list", re.compile(r"[^、]{1,12}、[^、]{1,12}、|包括|主要有|主要表现为|等[方领多各]")),
    ),
)


def asked_form(question: str) -> Form | None:
    """The first form a question's words ask for, or None."""
    for cue, form in _FORMS:
        if cue.search(question):
            return form
    return None


def form_fit(sentence: str, form: Form | None) -> float:
    """1.0 when the sentence makes the kind of statement asked for, 0.0 when not, 0.5 when none is asked."""
    if form is None:
        return 0.5
    return 1.0 if form.pattern.search(sentence) else 0.0


# A sentence of a caller's account that asks something.
_ASKING_RE = re.compile(r"[？?]|吗|怎么|咋|如何|能不能|可不可以|是不是|有没有|要不要|请问|想问|咨询|多少|几[点天个号月]|什么|啥|哪|谁")
_ACCOUNT_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
LONG_ACCOUNT = 60  # characters: a shorter text is asked as it is


def asked_part(text: str) -> str:
    """What a long account asks: its sentences that ask something, in order ("我家孩子今年六岁……请问学校
    划片在哪查？" → "请问学校划片在哪查？"); the text itself when it is short or asks nothing explicitly."""
    text = (text or "").strip()
    if len(text) <= LONG_ACCOUNT:
        return text
    asking = [sentence.strip() for sentence in _ACCOUNT_SENTENCE_RE.findall(text) if _ASKING_RE.search(sentence)]
    asked = "".join(asking)
    return asked if 4 <= len(asked) < len(text) else text
