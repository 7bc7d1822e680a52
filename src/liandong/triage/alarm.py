"""Emergency cues read the way a dispatcher reads them: whole words, the sentence a cue sits in, tense and
aspect, hazard versus event, figures of speech.

Pure: the word boundaries come from an injected function (jieba in production); everything else is the
standard library. Every decision to drop a cue carries a Chinese reason for the call-taker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Callable

from liandong.triage.rules import TransferItem, legacy_judge
from liandong.triage.segment import RUN_CHAR as _JOINS
from liandong.triage.text import is_negated

SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = SENTENCE_END + "，,"

# "工友们赶紧打了120把他送到医院": haste told about an action already done, not a call for help now.
NARRATED = r"[^，,。！？!?；;\n]{0,3}(?:打了|叫了|报了|拨了|送到|送进|送往|送去了|送了|抬到|拉到|扑灭了)"
# "来人啊", "快来人", "来人救救他": a cry for people. "派出所来人处理了", "物业来人看了" tell that someone came.
CRY_FOR_PEOPLE = r"(?<![才没不])来人(?=[啊呀呐哪啦，,。！!？?；;\s]|$|救|帮)"
# "让物业赶紧把灯修好", "马上整改": hurrying a unit to mend or deal with something is a service request's tone.
SERVICE_HURRY = r"(?:把|给|帮|让)?[^，,。！？!?；;\n]{0,6}?(?:修好|修一?修|维修|处理|解决|管一?管|查一?[查下]|来查|检查|查处|整改|清理|拆除|催一?催|落实|回复|答复|退钱|补发|补上)"
# "我该怎么办，找哪个部门": asking which office to go to, a procedure, not a cry for help.
ASK_WHO_AFTER = r"[，,。？?\s]{0,2}(?:找哪|找谁|去哪|该找|向哪|哪个部门|哪个单位|归谁管)"
# "现在一到晚上就有", "现在每天晚上都堵满了": 现在 as "these days" before a habit, not this moment.
HABIT_NOW = r"(?:是|也|基本上?)?(?:一到|每到|每天|天天|每晚|每个|每次|经常|老是|总是|动不动|隔三差五|三天两头)"
# "现在想投诉一下燃气公司": the writer's present wish to complain or ask, not the event happening now.
WRITER_NOW = r"(?:我们?|本人)?(?:就|只|还|是)?(?:想|要|准备|打算|希望)(?:来|再|一并)?(?:投诉|反映|问|咨询|举报|了解|申请|知道|说说|找|请|起诉|打官司|走法律程序)"
# Happening now, or the caller wants someone now.
NOW = re.compile(
    r"正在|刚才|刚刚|刚发现|(?<![到至])现在(?!(?:已经|都|快|有|已)*[一二两三四五六七八九十几\d半多]+个?多?(?:月|年)(?:了|多了))(?!" + WRITER_NOW + r")(?!" + HABIT_NOW + r")|此刻|这会儿|眼下|(?:马上|赶紧|赶快)(?!" + NARRATED + r")(?!" + SERVICE_HURRY + r")|快来|快点|快派|快叫|快救|快快|救命(?!钱|稻草|恩|之恩)|救救|还在|仍在|就在|"
    r"今天|今晚|今早|今儿|一直在(?:流|吐|抽|喘)|着呢|又在|(?:好|十|二十|几|[一二三四五六七八九])+分钟了|半个(?:多)?小时了|请(?:马上|立即|赶快|尽快|快)?派(?:个|一?辆)?(?:救护车|急救车|消防车|警察|民警)|怎么办(?!理|法|的|事)(?!" + ASK_WHO_AFTER + r")|" + CRY_FOR_PEOPLE + r"|求求你|刚(?=[^，。！？；,!?\n]{0,4}(?:发现|看到|听到|吃|喝|被|转|打|撞|摔|掉|倒|割))"
)
# "Until now": an absence that is still going on ("到现在还没回来") keeps a near-past sentence current.
ONGOING = re.compile(r"到现在|至今|直到现在|到这会儿|一整天|一晚上|一夜|还没(?:回|找)")
FAR_PAST = re.compile(
    r"去年|前年|上个?月|上周|上星期|上礼拜|几年前|多年前|\d+年前|[一二两三四五六七八九十几]+年前|个月前|以前|之前|曾经|那次|当年|(?<![晕昏死睡倒冲跑走飞爬跳游扑拿送转递抬背挤滚翻闯绕飘撞])过去|小时候|"
    r"前几年|前些年|前段时间|前一阵|上次|那时候?|当时|\d{4}年|\d+月\d+[日号]|[一二三四五六七八九十]+月份|"
    # "上个礼拜", "前两个月", "三个星期前", "那年": a week or more back.
    r"[一二三四五六七八九十]+月[一二三四五六七八九十廿]+[日号]|上个(?:周|星期|礼拜)|前[\d一二两三四五六七八九十几]+个(?:月|星期|礼拜)|[\d一二两三四五六七八九十几]+个?(?:星期|礼拜)前|那年|那会儿|当初|"
    # A duration reaching back years ("走失多年", "十年了", "这些年一直在找"): it began long ago.
    r"(?<![大不])多年(?!轻|级|纪|份|货|糕)|这些年|好几年|几年来|这么多年|好些年|[\d一二两三四五六七八九十几数]+年(?:了|来|多|之久)"
)
NEAR_PAST = re.compile(r"昨天|昨晚|昨日|前天|前[两三几]天|[两三几]天前|那天|那晚")
FREQUENT = re.compile(
    r"经常|常常|时常|常年|总是|老是|多次|几次|好几次|好几回|几回|两三回|屡次|屡屡|频发|频繁|频频|反复|每次|每年|每到|每逢|每当|天天|每天|每晚|"
    r"(?<!一)动不动(?!了)|三天两头|隔三差五|时有发生|接二连三|不时|常有|本来就|向来|一向|历来|长期|一到[^，。！？；,!?\n]{0,8}就|"
    r"有时候|有时(?!间)|偶尔|时不时|一直(?:在)?(?=吃|服|用)"
)
# Words that place the telling at this moment (a habit told beside them may be happening now: "他天天打我，我现在不敢回家").
MOMENT = re.compile(r"正在|刚才|刚刚|刚发现|此刻|这会儿|眼下|现在(?!" + HABIT_NOW + r")|目前|今天|今晚|今早|今儿|分钟了|小时了")
# Treated already: taken to a doctor, the thing taken out, the stomach washed.
TREATED = re.compile(r"医院|诊所|卫生院|急诊|胃镜|洗胃|取出来|拿出来|吐出来")
# "今天倒是没打": this moment said only to say it is not happening now.
# Not "到现在还没回来" (an absence still going on) nor "现在叫不醒" (a state that is the emergency).
NEGATED_MOMENT = re.compile(r"(?<![到至直])(?:今天|今晚|现在|这会儿|目前)(?:倒是|倒|也|暂时)?(?:没有|没|不)(?!回|找|见|联系|消息|接|醒|动|出来|下来|上来|说话|呼吸|气)")


def nothing_new(told: str) -> bool:
    """No strong "now", nothing again or sudden: what is told is how things stand, not a new event."""
    return not STRONG_NOW.search(told) and "又" not in told and "突然" not in told


def at_this_moment(sentence: str) -> bool:
    """A word placing the telling at this moment, in a clause that does not say it is not happening now."""
    return any(MOMENT.search(piece) and not NEGATED_MOMENT.search(piece) for piece in clauses(sentence))


# More of a medicine than prescribed: beside it, "每天吃降压药" may be how the overdose happened.
EXCESS = re.compile(r"一整瓶|整瓶|整盒|一把|过量|吃多了|多吃了好几|全吃|都吃了|好几片|十几片|二十多片|几十片|很多片|一板")
# "压得我喘不过气", "忙得喘不过气来": pressure or work as a degree, not breathlessness.
DISCOMFORT_DEGREE = re.compile(r"(?:冻|冷|热|累|饿|吵|熏|晒|挤|爬)得[^，,。！？!?；;\n逼欺打骂]{0,3}$")
PRESSURE_BEFORE = re.compile(r"(?:压|逼|忙|愁|累)得[我你他她人们家都快]{0,3}$")
# A cue that is itself a call for the service, and the polite forms of asking for it.
SERVICE_CALL_CUE = re.compile(r"(?:叫|派|要|喊|打|来)(?:个|一?辆)?(?:救护车|急救车|消防车|警察|民警|120|119|110)")
POLITE_ASK = re.compile(r"^(?:能不能|是否|可以|可不可以|能否)")
# "打人的人", "打人的事": the cue names the person or the matter of an earlier event, not an event now.
REFERENCE_AFTER = re.compile(r"^(?:的(?:人|那个人|那个|那些人|那伙人|男的|女的|事|事情|案子)|者|事件)")
# "发生过车祸", "着过火", "被骗过": the aspect particle 过 marks something that happened before.
PERFECT_BEFORE = re.compile(r"(?:发生|出|有|遇|碰到|经历)过[^，。！？；,!?\n]{0,4}$")
PERFECT_AFTER = re.compile(r"^过(?!来|去|马路|路|街|桥|河|了头)")
RESOLVED = re.compile(
    r"抢救过来|已经没事|已没事|现在(?:是|也|倒是|算是)?没(?:什么|啥)?事(?:了|儿)?|人没事了|已经好了|现在好了|好多了|已经出院|已出院|出院了|已经康复|康复了|已经扑灭|已扑灭|救出来了|找到了|找回来了|已经找回|"
    r"脱离(?:了)?危险|普通病房|痊愈|没(?:什么|啥)大(?:事|碍)|无大碍"
)
# A clause that tells how things stand after an event: recovered, at rest, out of hospital ("现在在家休养",
# "现在已经能慢慢走路了"): its "现在" is the aftermath, not the event happening now.
# In a doctor's care already: in hospital or rehabilitation ("现在人在医院住着"), operated on.
_IN_HOSPITAL = r"住院|住着院|在医院(?:里)?(?:住|观察|治疗|做康复)|做康复|康复治疗|康复训练|住进(?:了)?医院|重症监护|ICU"
_OPERATED = r"做了手术|做完手术|手术后"
AFTERMATH = re.compile(
    RESOLVED.pattern + r"|在家(?:里)?(?:休养|养着|养伤|养病|躺着)|休养|养伤|结痂|拆线|能(?:慢慢)?(?:下地|走路|走动)|(?<![没不])好转|(?<![没不])稳定|"
    r"(?<![没不])(?:已经|慢慢)?恢复了|一切正常|弄出来了|救上来了|拉上来了|"
    + _IN_HOSPITAL + "|" + _OPERATED + "|"
    # Treated already: a cast, stitches ("现在打着石膏").
    r"石膏|包扎|缝了[\d一二两三四五六七八九十几]+针|"
    # Seen by a doctor already ("去医院看了说是过敏").
    r"(?:去|到|上)(?:了)?(?:医院|诊所|卫生院|卫生室)(?:看|查|检查)(?:了|过)|(?:医生|大夫)说(?:是|没事|没大事)|"
    # Back to ordinary life ("现在已经回学校上课了").
    r"已经?回(?:到)?(?:学校|家里?|单位|岗位)|(?:上课|上班|上学)了"
)
# In care (not a bandage a bystander put on): in hospital, out of it, operated on.
IN_CARE = re.compile(_IN_HOSPITAL + "|出院|" + _OPERATED)
# What questions about rules, money or a procedure name, in both readings below.
_RULE_QUESTION = (
    r"多少年|多长时间|多久|怎么(?:办理|申请|处理|赔|报销|认定|证明|登记)|如何|算不算|需要(?:什么|哪些)|"
    r"谁(?:负责|承担|来管)|哪个部门|找哪|该找谁|标准|规定|手续|材料|报销|赔偿|补贴|补偿|指南|常识|怎么(?:预)?防|如何(?:预)?防|怎样(?:预)?防|怎么避免|如何避免"
)
# A clause that asks about a rule, money or a procedure ("想问问现在有没有进展", "失踪多少年可以申请宣告死亡"):
# the alarm word is the topic of a question, not an event being reported.
ASKING = re.compile(
    r"想问|请问|问一下|问问|咨询|想了解|了解一下|要不要|需不需要|用不用|该不该|有没有必要|(?:应该|该)?怎么做|"
    r"(?:可以|能不能|能否|是否)(?:申请|报销|补|退|认定)|" + _RULE_QUESTION
)
# What a question about the rules asks (not the opener "请问" itself: "请问，我女儿走丢了，该怎么办" is a call).
ASK_TOPIC = re.compile(
    r"(?:应该|该)怎么做|(?:可以|能不能|能否|是否)[^，,。！？!?；;\n]{0,6}(?:申请|报销|补|退|认定)|" + _RULE_QUESTION
)
# The part of ASKING that names rules, money or guidance (not a plain "请问"): read for never-miss cues too.
ASKING_RULES = re.compile(r"标准|规定|手续|材料|报销|赔偿|补贴|补偿|指南|常识|政策|(?:可以|能不能|能否|是否)(?:申请|报销|补|退|认定)")
# Strong markers of an event happening now (a plain "现在" or "今天" can also open the present state a past
# event left behind: "上个月脑梗……现在半边身子动不了").
STRONG_NOW = re.compile(r"正在|现在正(?=[把在往拿朝被冲追打])|刚才|刚刚|刚发现|此刻|这会儿|还在|仍在|就在|着呢|又在|一直在|(?:好|十|二十|几|[一二三四五六七八九])+分钟了|半个(?:多)?小时了")
PLAIN_NOW = re.compile(r"现在|目前|如今")
TODAY = re.compile(r"今天|今晚|今早|今儿|今天早上|今天下午|今天晚上")
# The writer asks for the emergency service itself ("请派警察来", "请消防来看看"), not for a unit to inspect.
CALL_SERVICE = re.compile(
    r"(?:请|快|赶紧|赶快|马上|立即|麻烦)[^，,。！？!?；;\n]{0,3}(?:派|叫)(?:个|一?辆|几个)?(?:救护车|急救车|消防车|消防员?|警察|民警|120|119|110)(?!部门)|"
    r"(?:请|让|叫)(?:消防|警察|民警|救护车|120|119|110)(?:员)?(?:马上|赶紧|快|尽快)?(?:来|过来|到场)(?!检查|排查|查|督促|整改|管)"
)
# Still going on, said with the durative 着 ("现在还打着").
ONGOING_STATE = re.compile(r"还(?:在)?[^，,。！？!?；;\n]{0,3}着(?:呢)?")
# The cue told as what came before the matter of the message: "着火后", "中毒以后被辞退", "自杀后父母生活困难".
AFTER_EVENT = re.compile(r"了?(?:以后|之后|过后|后)(?![面边头门背])")
# A report of events elsewhere ("跳楼的新闻", "网上看到……起火"): not the caller's emergency.
NEWS_AFTER = re.compile(r"^[^，,。！？!?；;\n]{0,8}?的(?:新闻|报道|消息|事件|案例|悲剧)")
NEWS_BEFORE = re.compile(r"(?:新闻|报道|电视上|看到[^，,。！？!?；;\n]{0,6}(?:新闻|报道)|听说(?:外地|别的地方|外省|有的地方))[^。！？!?；;\n]{0,30}$")
# A kind, not a case: "这种药吃多了是会出人命的", "有些人误食了……就会".
GENERIC_BEFORE = re.compile(r"(?:这种|这类|这些|此类|有些|有的|一些|很多人|不少人|任何)[^，,。！？!?；;\n]{0,6}$")
GENERIC_SUBJECT = re.compile(r"(?:^|[，,])(?:这种|这类|这些|此类|有些|有的|一些|很多|不少|任何)")
# A cue that opens on the thing rather than the act ("药吃多了", "安眠药用多了").
TOPIC_FIRST = re.compile(r"(?![吃喝吞服咽把误])[^，,。！？!?；;\n]{1,4}?(?:吃多了|喝多了|用多了|吃过量|用过量)")
GRAVE_AFTER = re.compile(r"死|没命|人命|醒不过来|昏迷|抢救|急救")
ASK_OPENER = re.compile(r"(?:想问|请问|问一下|问问|咨询一下|想了解)[^。！？!?；;\n]*$")
GENERIC_AFTER = re.compile(r"^[^，,。！？!?；;\n]{0,4}?(?:是|也|都|就)?(?:会|可能|容易)")
# A proposal about a kind of people ("有的孩子想不开，能不能在学校里多开点心理课"): not a case.
SUGGESTING = re.compile(r"建议|呼吁|倡议|多(?:开|搞|办|宣传|配|设)|开设|设立|配备|加强(?:宣传|教育|引导|疏导)")
# How to prevent it, not that it happened: "怎么防煤气中毒", "如何预防孩子溺水".
PREVENT_BEFORE = re.compile(r"(?:预防|防止|避免|防范|谨防|怎么防|如何防|怎样防)[^，,。！？!?；;\n]{0,6}$")
# A population, not a case: "想不开的年轻人挺多的", "跳河的人越来越多".
POPULATION_AFTER = re.compile(
    r"^[^，,。！？!?；;\n]{0,3}?的(?:年轻人|人|孩子|学生|老人|小孩|青少年|中学生|大学生|患者|病人|女性|男性)(?:们)?[^，,。！？!?；;\n]{0,4}"
    r"(?:挺多|很多|不少|越来越多|多了|多得很|增多|太多|比较多|也多)"
)
# "那些想不开的人", "有些喝农药的老人": a kind of people named by what they do.
KIND_BEFORE = re.compile(r"(?:那些|这些|有些|一些|有的|那种|这种|某些)[^，,。！？!?；;\n]{0,2}$")
KIND_AFTER = re.compile(r"^的(?:人|年轻人|孩子|学生|老人|小孩|青少年|患者|病人)")
# Animals as the ones in danger ("羊误食农药", "猪被热死"): not a person for 110/119/120. A person word after the
# animal ("狗把孩子咬伤了") or a passive before it ("被狗咬了") makes the person the one hurt.
# A compound animal ("马蜂", "蜜蜂") is one word, so "被马蜂蛰了" is a passive; tools and parts named after animals
# ("鱼钩", "鱼刺") are not animals, and neither is the one who herds, keeps or sells them ("放羊的", "养猪的").
ANIMAL = re.compile(
    r"(?<![吃喝被让叫给煮炖杀钓捕放养卖喂赶])(?:马蜂|蜜蜂|黄蜂|胡蜂|野蜂|猪|羊|牛|马(?!路|上|桶|达|戏|蜂)|驴|骡|狗|猫|鸡|鸭|鹅|兔|鱼(?!钩|刺|竿|线|叉|网|缸)|鸟|(?<![马蜜黄胡野])蜂|牲口|牲畜|家禽|宠物|猫咪|狗狗)"
    r"(?![肉蛋奶汤血油骨排腩])"
)
PASSIVE_BEFORE = re.compile(r"被(?:一|两|几|那|这|家里的|邻居家的|别人家的|谁家的)?(?:条|只|头|群|匹|窝)?(?:大|小|黑|白|黄|野|流浪)?$")
PERSON = re.compile(r"人|孩|娃|老|妈|爸|爹|娘|爷|奶|姥|我|他|她|你|俺|儿|女|妻|夫|哥|姐|弟|妹|叔|姨|伯|舅|婆|工|客|邻|宝|学生|病")
PERCEIVED = re.compile(r"看见|看到|发现|听见|听到|闻到")
HARM_ON_PERSON = re.compile(r"(?:咬|抓|挠|撞|踢|顶|扑|拱|叮|蜇|蛰|啄|踩)(?:了|伤|到|住|倒)?[^，,。！？!?；;\n]{0,3}(?:" + PERSON.pattern + ")")
FOLLOW_UP = re.compile(r"调解(?:了|过)|报过案|出了警|做了笔录|验了伤|已经报案|已报案|报了案|立案了|已立案|案子|案件进展|有没有进展|处理结果|破案|追回")
# Something feared, prevented or possible, just before the cue ("以免房屋倒塌", "万一着火", "随时会爆炸");
# "可能是煤气中毒" names what is probably happening, not a possibility.
FEAR_BEFORE = re.compile(
    r"(?:万一|如果|要是|一旦|假如|假设|倘若|若是|担心|担忧|害怕|生怕|恐怕|唯恐|怕|以免|以防|防止|预防|谨防|避免|防范|"
    r"容易|极易|很易|易于|可能(?!是|就是)|说不定|没准|迟早|早晚|随时|潜在|存在|差点|险些|差一点|"
    r"培训|演练|演习|模拟|宣传|知识|应急预案|怎么预防|如何预防|不然|否则|会不会|是否会|是否|能不能|"
    r"(?<![开社机学协晚聚约工大都理误体领这那一])会(?!儿)|将会|将要|就会|才会|要是再|再[^，,。！？!?；;\n]{0,4}就)[^，,。！？!?；;\n]{0,8}$"
)
# A hazard named right after the cue ("火灾隐患", "倒塌的风险", "爆炸的危险"), or a condition ("……抽搐的话").
FEAR_AFTER = re.compile(r"^[^，,。！？!?；;\n]{0,6}?(?:的话(?!费)|隐患|风险|高发|多发|易发|的危险|之虞|苗头|可能性|的可能|预警|演练|培训|知识|常识|课程|讲座|宣传|科普)")
# Rhetorical comparisons ("这跟绑架勒索有什么区别", "简直就是明抢"); plain similes ("像疯了一样拿刀乱砍") are not here on purpose.
FIGURATIVE = re.compile(r"有什么区别|有啥区别|有何区别|没什么区别|有什么两样|无异于|简直就是|简直是|等于是|相当于|堪比|形同|好比|变相|犹如|难道|岂不是")
# "烦得不行了", "急得要命": a degree complement, not a patient.
DEGREE_WORDS = ("不行", "要死", "要命", "受不了", "半死", "快疯", "疯了", "想死")
DEGREE_BEFORE = re.compile(r"得[我他她人都快]?$")
SYMPTOM_VERB = re.compile(r"(?:喘|憋|烧|抽|吐|流血)$")
# "急死人了", "吓死人了", "热死了": 死 as a degree after a feeling, not a death.
IDIOM_DEATH_BEFORE = frozenset("急吓气笑烦累热冷困饿愁闷臭吵挤馋疼痛憋羡慕烦闹")
LIGHT_VERBS = frozenset("喊叫呼出遭闹发")
SUFFIX_ONLY = re.compile(r"[里上下边中内外了着过的啦呀啊吧呢]+")
# Words that say help is wanted now. "怎么办" counts unless it asks for a procedure ("两位老人不识字，不知道怎么办",
# "想问问怎么办"); "不知道怎么办了" / "怎么办啊" is still a cry.
URGENT = re.compile(r"快来|快点|快派|(?:赶紧|赶快|马上|立刻)(?!" + NARRATED + r")(?!" + SERVICE_HURRY + r")|救命(?!钱|稻草|恩|之恩)|救救|" + CRY_FOR_PEOPLE + r"|(?<!不知道)(?<!不晓得)(?<!不清楚)(?<!问问)(?<!问一下)(?<!想问)(?<!请问)怎么办(?!理|法|的|事)(?!" + ASK_WHO_AFTER + r")|(?:不知道|不晓得|不清楚)怎么办(?=了|啊|呀|才好)|求求|急死")


@lru_cache(maxsize=64)
def _stop_offsets(text: str, stops: str) -> tuple[int, ...]:
    """The offsets of every stop character of `text`, found once per text (a judge asks for many spans of one text)."""
    return tuple(m.start() for m in re.finditer("[" + re.escape(stops) + "]", text))


def span(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """text[left:right] around text[start:end] up to (not including) the nearest stop character on each side."""
    offsets = _stop_offsets(text, stops)
    before = bisect_left(offsets, start)
    after = bisect_left(offsets, end)
    return offsets[before - 1] + 1 if before else 0, offsets[after] if after < len(offsets) else len(text)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    return span(text, start, end, SENTENCE_END)


def sentence_of(text: str, start: int, end: int) -> str:
    left, right = sentence_span(text, start, end)
    return text[left:right]


def _word_around(bounds: frozenset[int], start: int, end: int) -> tuple[int, int]:
    """The nearest word boundaries at or outside text[start:end]."""
    return max(b for b in bounds if b <= start), min(b for b in bounds if b >= end)


def _part_of(text: str, start: int, end: int, left: int, right: int) -> str:
    return f"「{text[start:end]}」只是「{text[left:right]}」的一部分"


class AlarmJudge:
    """Decides, for one text, whether each transfer-list match is a real alarm; the reason when it is not.

    Used as the `judge` of `TransferList.match` for emergency and 110 items; other items keep the plain
    negation check. `bounds(text, start, end)` gives the offsets where words start or end around a match.
    """

    def __init__(self, text: str, *, bounds: Callable[[str, int, int], frozenset[int]] | None = None):
        self.text = text
        self._bounds_fn = bounds
        self._follow_up = bool(FOLLOW_UP.search(text)) and not NOW.search(text)

    def bounds(self, start: int, end: int) -> frozenset[int]:
        """Word boundaries around text[start:end] (every offset when no segmenter was given)."""
        if self._bounds_fn is None:
            return frozenset(range(len(self.text) + 1))
        return self._bounds_fn(self.text, start, end)

    def __call__(self, item: TransferItem, text: str, start: int, end: int) -> str | None:
        if not (item.is_emergency or item.platform in ("110", "119", "120")):
            return legacy_judge(item, text, start, end) or self.inside_word(item, start, end)
        word = text[start:end]
        why = self.boundary(item, start, end)
        if why:
            return why
        if item.check_negation and is_negated(text, start):
            return "否定（如「没有人受伤」）"
        sentence = sentence_of(text, start, end)
        for pattern, reason in item.sentence_exclude:
            if pattern.search(sentence):
                return reason
        if word.startswith(("死人", "死了")) and start > 0 and text[start - 1] in IDIOM_DEATH_BEFORE and not item.never_miss:
            return f"程度说法（「{text[start - 1:end]}」），不是有人死亡"
        # "累得快不行了": the cue's own 快 belongs to the degree complement too.
        # A symptom before 得 ("喘得快不行了", "疼得要命") is a patient, not a figure of speech.
        degree = DEGREE_BEFORE.search(text[max(0, start - 3) : start])
        if word.removeprefix("快").startswith(DEGREE_WORDS) and degree and not SYMPTOM_VERB.search(text[max(0, start - 6) : start - 3 + degree.start()]):
            return f"程度说法（「{text[max(0, start - 2):end]}」），不是病情"
        # "冻得直说不想活了": cold, heat or fatigue as a degree, the sigh of a complaint (not pressure or bullying:
        # "被逼得不想活了" stays a call).
        if word.startswith(("不想活", "活不下去", "不活了")) and DISCOMFORT_DEGREE.search(text[max(0, start - 6) : start]):
            return f"程度说法（「{text[max(0, start - 4):end]}」），不是轻生"
        if word.startswith("喘不过气") and PRESSURE_BEFORE.search(text[max(0, start - 5) : start]):
            return f"程度说法（「{text[max(0, start - 3):end]}」），不是病情"
        if FIGURATIVE.search(sentence) and not (item.never_miss and NOW.search(sentence)):
            return "比喻或反问，不是正在发生的事件"
        why = self.frame(item, text, start, end)
        if why:
            return why
        if item.check_hypothetical:
            clause_left, clause_right = span(text, start, end, CLAUSE_END)
            before = text[max(clause_left, start - 14) : start]
            after = text[end : min(clause_right + 1, end + 10)]
            fear = FEAR_BEFORE.search(before)
            # "能不能先派个救护车来": a polite request for the service, not a possibility.
            if fear and SERVICE_CALL_CUE.match(word) and POLITE_ASK.search(fear.group(0)):
                fear = None
            if fear or FEAR_AFTER.search(after):
                return "隐患、假设或担心，不是已经发生的事件"
        if item.check_past or item.never_miss:
            return self.tense(item, text, start, end, sentence)
        return None

    def boundary(self, item: TransferItem, start: int, end: int) -> str | None:
        """A keyword must be a whole word ("跳楼机" is not "跳楼", "贫困人口" holds no "困人"); a pattern's last word too."""
        text = self.text
        if text[start:end] not in item.keywords:
            # Patterns carry their own context ("闻到…煤气", "掉进…水") and often end on the first character of a
            # word ("煤气味", "水渠"): only plain keywords are held to whole words.
            return None
        bounds = self.bounds(start, end)
        start_ok = start in bounds
        end_ok = end in bounds
        if start_ok and end_ok:
            return None
        left, right = _word_around(bounds, start, end)
        # "掉到河" in "掉到河里", "困在电梯" in "电梯里": a place or aspect suffix does not make another word.
        if start_ok and SUFFIX_ONLY.match(text, end, right) and SUFFIX_ONLY.match(text, end, right).end() == right:
            return None
        if item.regex.fullmatch(text, left, right):
            return None
        # A longer word made only of this item's cues ("打架斗殴") is still the item.
        covered = set(range(start, end))
        for m in item.regex.finditer(text, left, right):
            covered.update(range(m.start(), m.end()))
        if covered.issuperset(range(left, right)):
            return None
        # A light verb before the cue ("喊救命", "出车祸", "遭抢劫") makes a phrase of it, not another word.
        if end_ok and start - left == 1 and text[left] in LIGHT_VERBS:
            return None
        # A reduplicated form of the cue itself ("偷偷拍" is "偷拍" said softly) is the same word.
        word = text[left:right]
        if any(word[i] == word[i + 1] and word[:i] + word[i + 1 :] == text[start:end] for i in range(len(word) - 1)):
            return None
        return _part_of(text, start, end, left, right)

    def inside_word(self, item: TransferItem, start: int, end: int) -> str | None:
        """A service keyword that begins and ends inside other words is not said ("赡养老人" holds no "养老"):
        looser than `boundary`, since a service keyword often runs on into its object ("个税汇算", "停水了")."""
        text = self.text
        if end - start < 2 or start == 0 or end == len(text) or text[start:end] not in item.keywords:
            return None
        if not (_JOINS.match(text, start - 1) and _JOINS.match(text, end)):
            return None  # punctuation or a blank beside it: a word starts or ends there
        bounds = self.bounds(start, end)
        if start in bounds or end in bounds:
            return None
        return _part_of(text, start, end, *_word_around(bounds, start, end))

    def frame(self, item: TransferItem, text: str, start: int, end: int) -> str | None:
        """Who or what the cue is about and how it is told: an animal, news from elsewhere, a kind of thing, a
        question about the rules. Read in the cue's own clause; a word saying it is happening now there wins."""
        clause_left, clause_right = span(text, start, end, CLAUSE_END)
        clause = text[clause_left:clause_right]
        before = text[clause_left:start]
        after = text[end:clause_right]
        if is_urgent(text[max(sentence_span(text, start, end)[0], start - 24) : clause_right]) or STRONG_NOW.search(clause):
            return None
        # The animal may be the topic of the sentence ("有条狗被车撞了，躺在路边，流了好多血") for a cue about a body
        # (110/120); for fire and rescue only in the cue's own clause ("放羊……看见……有明火" is a fire).
        lead_left = max(sentence_span(text, start, end)[0], start - 24) if item.platform != "119" else clause_left
        animals = list(ANIMAL.finditer(text, lead_left, start))
        animal = animals[-1] if animals else None
        # "被一条大狗扑倒咬了": a passive before the animal and its measure words makes the person the one hurt.
        if animal and PASSIVE_BEFORE.search(text, max(0, animal.start() - 7), animal.start()):
            animal = None
        if animal and not PERSON.search(text, animal.end(), start) and not PERCEIVED.search(text, animal.end(), start) and not HARM_ON_PERSON.search(text, animal.end(), clause_right):
            return "说的是动物，不是人员伤亡或遇险"
        if NEWS_AFTER.match(after) or NEWS_BEFORE.search(text[max(0, start - 40) : start]) and not NOW.search(clause):
            return "新闻或别处发生的事，不是来电人身边正在发生的事件"
        sentence_left = sentence_span(text, start, end)[0]
        # The subject or the question opener may sit in an earlier clause of the sentence ("有些老人分不清药盒，误服了……",
        # "我想问一下，家里有人失踪满几年……").
        lead = text[max(sentence_left, start - 24) : start]
        if (GENERIC_BEFORE.search(before) or GENERIC_SUBJECT.search(lead)) and GENERIC_AFTER.match(after):
            return "泛指的说法（「这种……会……」），不是具体发生的事件"
        if GENERIC_BEFORE.search(before) and SUGGESTING.search(text) and not NOW.search(clause):
            return "泛指一类人并提出建议，不是具体发生的事件"
        if PREVENT_BEFORE.search(before) and not NOW.search(clause):
            return "问的是如何预防，不是正在发生的事件"
        if POPULATION_AFTER.match(after) or (KIND_BEFORE.search(before) and KIND_AFTER.match(after)):
            return "说的是一类人（「……的人挺多」「那些想不开的人」），不是具体发生的事件"
        # "药吃多了会不会伤肝": the thing named first, what is done to it as a condition, a consequence asked or
        # told after it, and nobody before it in the clause — a kind of thing, not somebody's overdose. A death after
        # it ("安眠药吃多了会死吗") is left to the alarm.
        if TOPIC_FIRST.match(text, start) and not PERSON.search(before) and GENERIC_AFTER.match(after) and not GRAVE_AFTER.search(after) and not NOW.search(clause):
            return "泛指的说法（「……多了会……」），不是具体发生的事件"
        asks = ASK_TOPIC.search(clause) or (ASK_OPENER.search(lead) and ASK_TOPIC.search(text, start - len(lead), clause_right))
        if not item.never_miss and asks and not NOW.search(clause):
            return "咨询规定、办法的问法，不是报警求助"
        return None

    def tense(self, item: TransferItem, text: str, start: int, end: int, sentence: str) -> str | None:
        if RESOLVED.search(sentence) and not item.never_miss and not URGENT.search(sentence):
            return "已经处置或已经没事"
        if self._follow_up and not item.never_miss:
            return "跟进已报案件，不是新发生的警情"
        clause_left, clause_right = span(text, start, end, CLAUSE_END)
        clause = text[clause_left:clause_right]
        if item.never_miss:
            # Overdose, poisoning, self-harm: only the cue's own clause can say it is over ("前年吃错药住过一次院");
            # a past word elsewhere in the sentence ("前年就有抑郁症，吃了一整瓶安眠药") never silences it.
            if NOW.search(clause):
                return None
            if FAR_PAST.search(clause) or PERFECT_BEFORE.search(text[max(clause_left, start - 8) : start]) or PERFECT_AFTER.search(text[end : end + 3]):
                return "已经过去的事件"
            # Told as over: a rescue or "fine now" in the sentence, nothing urgent or happening now —
            over = RESOLVED.search(sentence) and not URGENT.search(sentence) and not STRONG_NOW.search(sentence)
            # after a past anchor before the cue ("去年……想不开吃了药，抢救过来了"),
            if over and FAR_PAST.search(text, sentence_span(text, start, end)[0], start):
                return "已经过去的事件"
            # or a day or two ago and treated ("前天把一个硬币吞下去了，送到医院取出来了，现在没事了") — not when more than
            # prescribed was taken (its harm can come later).
            if over and NEAR_PAST.search(clause) and TREATED.search(sentence) and not EXCESS.search(sentence):
                return "已经处置或已经没事"
            # "每天吃两种降压药": medicine taken as prescribed, with nothing in the sentence about taking too much.
            if FREQUENT.search(clause) and not EXCESS.search(sentence) and not URGENT.search(sentence):
                return "经常、长期的情况（如按时服药），不是正在发生的事件"
            return None
        # A past marker in the cue's own clause wins over a "现在" elsewhere in the sentence
        # ("去年在网上被骗了两万，想问问现在有没有进展").
        if FAR_PAST.search(clause) and not NOW.search(clause) and not item.never_miss:
            return "已经过去的事件"
        # A habit in the cue's own clause ("有时候还能听见打孩子的声音"), nothing placing the sentence at this moment.
        if FREQUENT.search(clause) and not NOW.search(clause) and not at_this_moment(sentence) and not is_urgent(sentence):
            return "经常、多次发生的情况，不是正在发生的事件"
        if REFERENCE_AFTER.match(text, end) and not STRONG_NOW.search(sentence) and not is_urgent(sentence):
            return "说的是以前那件事或那个人，不是正在发生的事件"
        if in_care(sentence):
            return "病人已经在医院治疗或已经处置，不是正在发生的急症"
        sentence_left = sentence_span(text, start, end)[0]
        # (A police cue in the "现在" clause is a new act — "上个月就说过要打我，现在他拿着刀在门口" — not a state left behind.)
        if (item.platform != "110" and self.sequela(text, sentence_left, clause_left, clause)) or self.state_after(text, sentence_left, clause_left, clause_right, sentence):
            return "以前发生的事留下的现状（「……现在……」），不是正在发生的事件"
        if live_now(sentence):
            return None
        if PERFECT_BEFORE.search(text[max(clause_left, start - 8) : start]) or PERFECT_AFTER.search(text[end : end + 3]):
            return "以前发生过的事（「过」）"
        if FAR_PAST.search(sentence):
            return "已经过去的事件"
        if item.never_miss:
            return None
        if FREQUENT.search(sentence):
            return "经常、多次发生的情况，不是正在发生的事件"
        if NEAR_PAST.search(sentence) and not ONGOING.search(sentence):
            return "已经过去的事件"
        # A past marker earlier in the text and nothing anywhere saying it is still going on.
        if FAR_PAST.search(text[:start]) and not NOW.search(text) and not ONGOING.search(sentence):
            return "已经过去的事件"
        return None


    @staticmethod
    def state_after(text: str, sentence_left: int, clause_left: int, clause_right: int, sentence: str) -> bool:
        """"去年从架子上摔下来过，腰椎骨折了，养了半年，现在能干点轻活了": a past anchor before or in the cue's clause,
        and after it only a plain "现在" telling how things stand (no other word of the present, nothing new,
        nothing urgent): the state the past event left, as `sequela` reads it inside the cue's clause."""
        sentence_right = sentence_left + len(sentence)
        rest = text[clause_right:sentence_right]
        if not (FAR_PAST.search(text, sentence_left, clause_right) and PLAIN_NOW.search(rest)):
            return False
        told = text[clause_left:sentence_right]
        return all(m.group(0) == "现在" for m in NOW.finditer(told)) and nothing_new(told) and not URGENT.search(sentence)

    @staticmethod
    def sequela(text: str, sentence_left: int, clause_left: int, clause: str) -> bool:
        """"上个月脑梗送到县医院……现在半边身子动不了": a past anchor earlier in the sentence, then a plain
        "现在" in the cue's clause with nothing new happening: the state a past event left, not an emergency."""
        return bool(
            FAR_PAST.search(text, sentence_left, clause_left)
            and PLAIN_NOW.search(clause)
            and nothing_new(clause)
            and not URGENT.search(text, sentence_left, clause_left + len(clause) + 60)
        )


# "怎么办" asked in a frame ("如果楼里着火了怎么办") is a question, not a cry; so is it in a title naming a
# consultation ("咨询电梯困人怎么办", read with strict=True). "请问，我女儿走丢了，该怎么办" is a call.
QUESTION_FRAME = re.compile(r"如果|万一|要是|假如|假设|一旦|倘若")


def is_urgent(piece: str, *, strict: bool = False) -> bool:
    """An urgent word in the piece; a lone "怎么办" in a frame (or, strict, in a service-titled post) does not count."""
    found = [m.group(0) for m in URGENT.finditer(piece)]
    if not found:
        return False
    return any(word != "怎么办" for word in found) or not (strict or QUESTION_FRAME.search(piece))


_CLAUSE_SPLIT = re.compile("[" + re.escape(CLAUSE_END) + "]")


def clauses(sentence: str) -> list[str]:
    return [piece for piece in _CLAUSE_SPLIT.split(sentence) if piece]


def live_now(sentence: str) -> bool:
    """A word saying it is happening now, clause by clause: a "现在" that tells the aftermath ("现在在家休养"),
    opens a question about the rules ("想问问现在有没有进展") or says it is not happening ("今天倒是没闹") does not say
    the event is happening now."""
    for piece in clauses(sentence):
        if NOW.search(piece) and not AFTERMATH.search(piece) and not (ASKING.search(piece) and not STRONG_NOW.search(piece)) and not (
            NEGATED_MOMENT.search(piece) and not STRONG_NOW.search(piece)
        ):
            return True
    return False


def in_care(sentence: str) -> bool:
    """"现在我母亲半边身子不能动，还在医院做康复": a clause says the patient is in care or treated, no other clause says
    something is happening now, nothing is urgent — the state of a patient already looked after."""
    pieces = clauses(sentence)
    if is_urgent(sentence) or not any(IN_CARE.search(piece) for piece in pieces):
        return False
    return not any(STRONG_NOW.search(piece) and not AFTERMATH.search(piece) for piece in pieces)


def has_urgency(sentence: str, *, strict: bool = False) -> bool:
    """Something in the sentence says it is happening now or the caller wants help now. `strict` (a written post
    whose title names a service request or a hazard): only an urgent word or a strong "now" (正在/刚才…) counts."""
    if is_urgent(sentence, strict=strict):
        return True
    if strict:
        return bool(CALL_SERVICE.search(sentence)) or any(
            (STRONG_NOW.search(piece) or ONGOING_STATE.search(piece) or TODAY.search(piece)) and not AFTERMATH.search(piece) for piece in clauses(sentence))
    return live_now(sentence)


# The title of a written post that names a service request or a hazard ("建议……", "……的投诉", "存在倒塌隐患"):
# the post reports or asks; an alarm word in its body needs an urgent word, a strong "now", "today" or a call for
# the emergency service to be a call for help (a plain 现在 is not enough).
SERVICE_TITLE = re.compile(r"建议|倡议|咨询|投诉|举报|隐患|风险|申请|报销|补贴|赔偿|收费|政策|标准|整改|排查")


def service_title(title: str) -> bool:
    return bool(title) and bool(SERVICE_TITLE.search(title)) and not is_urgent(title, strict=True)


def told_as_past(text: str, start: int, end: int, title_end: int) -> bool:
    """A never-miss cue (overdose, poisoning, self-harm) in a written post told as something that happened before:
    no urgent word anywhere, nothing happening now in its sentence, and either (in the title) "……后" right after it
    ("自杀后父母生活困难"), a past anchor before it in its sentence, a question about guidance or money, or (a cue in
    the title) a body told in the past."""
    if URGENT.search(text):
        return False
    clause_left, clause_right = span(text, start, end, CLAUSE_END)
    if NOW.search(text, clause_left, clause_right):
        return False
    if FAR_PAST.search(text, clause_left, clause_right) or NEAR_PAST.search(text, clause_left, clause_right):
        return True
    left, right = sentence_span(text, start, end)
    if start < title_end:
        left, right = 0, title_end
    sentence = text[left:right]
    if live_now(sentence):
        return False
    if start < title_end and AFTER_EVENT.match(text, end):
        return True  # a title "……后……" puts the matter after the event; in the body "喝了农药以后口吐白沫" is the event
    if ASKING_RULES.search(text, clause_left, clause_right):
        return True  # "有没有儿童误食常见物品的处理指南": a question about guidance, not an event
    if FAR_PAST.search(text, left, start) or NEAR_PAST.search(text, left, start):
        return True
    if start < title_end:
        body = text[title_end:]
        return bool((FAR_PAST.search(body) or NEAR_PAST.search(body)) and not live_now(body))
    return False
