"""The transfer list (分流转办事项清单) as data: items with keywords and patterns, matched with context checks."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from liandong.core.errors import ValidationFailed
from liandong.triage.text import is_absence, is_hypothetical, is_negated, is_past, is_rhetorical

PLATFORMS = ("12345", "110", "119", "120", "guidance", "invalid")
EMERGENCY_PLATFORMS = ("110", "119", "120")
DIRECTIONS = ("emergency", "12345→110", "110→12345", "12345", "guidance", "invalid")
REQUEST_TYPES = ("consult", "help", "complaint", "report", "suggestion")
LEVELS = ("一般", "较大", "重大", "特别重大")


@dataclass(frozen=True)
class Secondary:
    """Another platform to alert with an item's hit: always, or when `when` matches the hit's sentence."""

    platform: str
    reason: str = ""
    when: re.Pattern | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TransferItem:
    id: str
    name: str
    direction: str
    platform: str
    priority: int
    department: str | None = None
    category: tuple[str, ...] = ()
    request_type: str | None = None
    level: str = "一般"
    description: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    check_negation: bool = True
    check_past: bool = False
    check_hypothetical: bool = False
    # Never dropped for being background, habitual or feared (overdose, poisoning, self-harm, suicide).
    never_miss: bool = False
    secondary: tuple[Secondary, ...] = ()
    # (regex, reason): a hit whose sentence matches is not this item ("工厂烟囱浓烟滚滚" is pollution, not fire).
    sentence_exclude: tuple[tuple[re.Pattern, str], ...] = field(default=(), compare=False)
    # A hit whose clause matches is mentioned in passing ("拿着身份证去办", "打过12345热线") and does not route.
    incidental: tuple[re.Pattern, ...] = field(default=(), compare=False)
    # The unit is a stand-in until the catalogue has a unit whose duties name this topic (duty_words).
    interim: bool = False
    duty_words: tuple[str, ...] = ()
    regex: re.Pattern | None = field(default=None, compare=False, repr=False)
    exclude_regex: re.Pattern | None = field(default=None, compare=False, repr=False)
    # Keys (one or two characters) at least one of which every match contains (None: unknown): `match` skips
    # the item cheaply when the text has none of them.
    required: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @property
    def is_emergency(self) -> bool:
        return self.direction == "emergency"


@dataclass(frozen=True)
class Hit:
    item: TransferItem
    keyword: str
    start: int
    keywords: tuple[str, ...] = ()
    # Every accepted match: (word, start, end).
    spans: tuple[tuple[str, int, int], ...] = ()

    @property
    def strength(self) -> float:
        """More and longer (more specific) matched words make a stronger hit."""
        return 0.08 * (max(len(k) for k in self.keywords or (self.keyword,)) - 2) + 0.1 * (len(set(self.keywords)) - 1)


@dataclass(frozen=True)
class Rejected:
    """A hit dropped by a context check, kept so reasons can say why an alarm did not fire."""

    item: TransferItem
    keyword: str
    why: str
    start: int = -1


# judge(item, text, start, end) -> None to accept the match, or the reason (Chinese) to drop it.
Judge = Callable[[TransferItem, str, int, int], "str | None"]
_MAX_SPANS = 12


def legacy_judge(item: TransferItem, text: str, start: int, end: int) -> str | None:
    """The item's own context checks on a plain window around the match (negation, hypothetical, past)."""
    # For a service item a missing thing ("没有信号灯") is the matter itself; only emergencies are negated by it.
    # ("这不是垄断吗" asserts it).
    if item.check_negation and is_negated(text, start) and not (item.platform == "12345" and (is_absence(text, start) or is_rhetorical(text, start, end))):
        return "否定"
    if item.check_hypothetical and is_hypothetical(text, start):
        return "假设或隐患"
    if item.check_past and is_past(text, start, end):
        return "已过去的事件"
    return None


@dataclass(frozen=True)
class TransferList:
    version: str
    items: tuple[TransferItem, ...]
    digest: str
    # Words jieba must keep whole so that an alarm word inside them is seen as part of a longer word.
    compound_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Items made of plain keywords only are found with one Aho–Corasick pass over the text (every keyword of
        # every item at once); the others keep their regex behind a gate index: key (one or two characters) ->
        # positions of the items it opens, items without a gate always tried.
        import ahocorasick

        index: dict[str, list[int]] = {}
        always: list[int] = []
        automaton = ahocorasick.Automaton()
        by_word: dict[str, list[tuple[int, int]]] = {}
        for position, item in enumerate(self.items):
            if item.regex is None:
                continue
            if not item.patterns:
                # The regex tries the escaped keywords longest first: its rank of each keyword decides at one start.
                order = sorted((re.escape(w) for w in item.keywords if w), key=len, reverse=True)
                rank = {w: order.index(re.escape(w)) for w in item.keywords if w}
                for word, r in rank.items():
                    by_word.setdefault(word, []).append((position, r))
                continue
            if item.required is None:
                always.append(position)
                continue
            for key in item.required:
                index.setdefault(key, []).append(position)
        # pyahocorasick looks a character up among a node's children one by one, in the order they were added, and
        # every character of a text is looked up among the root's hundreds of children: adding them commonest
        # character first (a word per character that no text holds: the character and a noncharacter, which matches
        # nothing) halves the pass; the matches are the same.
        for c in _ROOT_ORDER:
            automaton.add_word(c + _NEVER, (c + _NEVER, (), ()))
        # One automaton for both (a pass costs the same whatever it finds): word -> (word, the keyword items it
        # belongs to with its rank there, the pattern items it opens as a gate key).
        for word in by_word.keys() | index.keys():
            automaton.add_word(word, (word, tuple(by_word.get(word, ())), tuple(index.get(word, ()))))
        automaton.make_automaton()
        # A pattern item's regex behind a look-ahead on the characters its matches can start with: the regex engine
        # rejects most positions with one set test, inside one `finditer` (the same matches, see start_scanner).
        scanners = {p: start_scanner(i.regex) for p, i in enumerate(self.items) if i.patterns and i.regex is not None}
        fast = {p: re.compile(f"(?={scanner.pattern})(?:{self.items[p].regex.pattern})", self.items[p].regex.flags) for p, scanner in scanners.items() if scanner is not None}
        object.__setattr__(self, "_scanners", fast)
        # A pattern item whose matches are at most `width` characters long and contain a gate key can only start
        # in [key end - width, key start] for some occurrence of a key: only there is its regex tried.
        # (Look-arounds are allowed: the search reaches as far past the window as they can read, see match_reach.)
        widths = {p: w for p in fast if self.items[p].required is not None and (w := match_reach(self.items[p].regex)) is not None}
        object.__setattr__(self, "_widths", widths)
        object.__setattr__(self, "_always", tuple(always))
        object.__setattr__(self, "_automaton", automaton)

    def _scan(self, text: str) -> tuple[dict[int, list[tuple[str, int, int]]], set[int], dict[str, list[int]]]:
        """One pass of the automaton: (for each keyword-only item, its matches as `regex.finditer` gives them —
        leftmost, the regex's first alternative at a start, not overlapping; the positions of the pattern items to
        try: those whose gate key the text contains — exactly text_keys(text) & the gate index — and those without
        a gate; where each gate key occurs: key -> its starts, in order)."""
        found: dict[int, list[tuple[int, int, int, str]]] = {}
        gated = set(self._always)
        keys_at: dict[str, list[int]] = {}
        if self._automaton is not None:
            for last, (word, owners, opens) in self._automaton.iter(text):
                start = last + 1 - len(word)
                if opens:
                    gated.update(opens)
                    keys_at.setdefault(word, []).append(start)
                if owners:
                    for position, rank in owners:
                        found.setdefault(position, []).append((start, rank, last + 1, word))
        return self._first_matches(found), gated, keys_at

    @staticmethod
    def _first_matches(found: dict[int, list[tuple[int, int, int, str]]]) -> dict[int, list[tuple[str, int, int]]]:
        out: dict[int, list[tuple[str, int, int]]] = {}
        for position, occurrences in found.items():
            occurrences.sort()
            taken, after = [], 0
            for start, _, end, word in occurrences:
                if start >= after:
                    taken.append((word, start, end))
                    after = end
            out[position] = taken
        return out

    def _regex_matches(self, position: int, regex: re.Pattern, text: str, keys_at: dict[str, list[int]] | None = None) -> list[tuple[str, int, int]]:
        """`regex.finditer(text)` as (word, start, end), trying only where a match can begin: at a character a
        match starts with and, given where the gate keys occur (`_scan`), near enough to one of the item's keys."""
        scanner = self._scanners.get(position, regex)
        width, ahead = self._widths.get(position, (None, 0))
        if width is None or keys_at is None or len(text) < _WINDOWED_TEXT * width:
            return [(m.group(0), m.start(), m.end()) for m in scanner.finditer(text)]
        required = self.items[position].required
        # The starts a match can have, as merged windows [first, last] (a match holds a key: start <= key start,
        # end >= key end, and is at most `width` long).
        windows: list[list[int]] = []
        for first, last in sorted((start + len(key) - width, start) for key, starts in keys_at.items() if key in required for start in starts):
            if windows and first <= windows[-1][1] + 1:
                windows[-1][1] = max(windows[-1][1], last)
            else:
                windows.append([max(first, 0), last])
        # Searching from the window's first start up to `width` (and what a look-ahead reads) past its last finds the
        # leftmost match starting in it, as finditer would (without anchors, a match never depends on text further on).
        out, after, size = [], 0, len(text)
        for first, last in windows:
            at = max(first, after)
            while at <= last:
                m = scanner.search(text, at, min(size, last + width + ahead))
                if m is None or m.start() > last:
                    break
                out.append((m.group(0), m.start(), m.end()))
                after = at = m.end()
        return out

    def candidates(self, text: str) -> list[TransferItem]:
        """The items that can match the text, in list order (keyword items that occur, pattern items whose gate opens)."""
        keyword_matches, gated, _ = self._scan(text)
        return [self.items[p] for p in sorted(keyword_matches.keys() | gated)]

    def _gated(self, text: str) -> set[int]:
        return self._scan(text)[1]

    def match(self, text: str, *, judge: Judge | None = None) -> tuple[list[Hit], list[Rejected]]:
        judge = judge or legacy_judge
        hits: list[Hit] = []
        rejected: list[Rejected] = []
        keyword_matches, gated, keys_at = self._scan(text)
        items = self.items
        for position in sorted(keyword_matches.keys() | gated):
            item = items[position]
            if position in keyword_matches:
                matches = keyword_matches[position]
            else:
                matches = self._regex_matches(position, item.regex, text, keys_at)
            if not matches:
                continue
            if item.exclude_regex is not None and item.exclude_regex.search(text):
                continue
            dropped: Rejected | None = None
            found: list[tuple[str, int, int]] = []
            for word, start, end in matches:
                why = judge(item, text, start, end)
                if why is not None:
                    dropped = dropped or Rejected(item, word, why, start)
                    continue
                found.append((word, start, end))
                if len(found) >= _MAX_SPANS:
                    break
            if found:
                word, start, _ = max(found, key=lambda f: len(f[0]))
                hits.append(Hit(item, word, start, tuple(f[0] for f in found), tuple(found)))
            elif dropped is not None:
                rejected.append(dropped)
        return hits, rejected

    def match_reference(self, text: str, *, judge: Judge | None = None) -> tuple[list[Hit], list[Rejected]]:
        """The plain definition `match` must equal: every item's regex, behind its gate (tests compare the two)."""
        judge = judge or legacy_judge
        hits: list[Hit] = []
        rejected: list[Rejected] = []
        keys = text_keys(text)
        for item in self.items:
            if item.regex is None or (item.required is not None and item.required.isdisjoint(keys)):
                continue
            matches = list(item.regex.finditer(text))
            if not matches or (item.exclude_regex is not None and item.exclude_regex.search(text)):
                continue
            dropped: Rejected | None = None
            found: list[tuple[str, int, int]] = []
            for m in matches:
                why = judge(item, text, m.start(), m.end())
                if why is not None:
                    dropped = dropped or Rejected(item, m.group(0), why, m.start())
                    continue
                found.append((m.group(0), m.start(), m.end()))
                if len(found) >= _MAX_SPANS:
                    break
            if found:
                word, start, _ = max(found, key=lambda f: len(f[0]))
                hits.append(Hit(item, word, start, tuple(f[0] for f in found), tuple(found)))
            elif dropped is not None:
                rejected.append(dropped)
        return hits, rejected

    def get(self, item_id: str) -> TransferItem | None:
        return next((i for i in self.items if i.id == item_id), None)


# Frequent characters make poor gates ("的", "了"): a keyword is gated by its rarest character. The
# characters below are listed most frequent first (general Chinese text); any other counts as rare.
_COMMON_ORDER = ("的一是了不在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠哩函茫昂薛皱夸豫胃舌剥傲拾窝睁携陵哼棉晴铃填饲渴吻扮逆脆喘罩卜炉柴愉绳胎蓄眠竭喂傻慕浑奸扇柜悦拦诞饱乾泡贼亭夕爹酬儒姻卵氛泄杆挨僧蜜吟猩遂狭肖甜霞驳裕顽於摘矮秒卿畜咽披辅勾盆疆赌塑畏吵囊嗯泊肺骤缠冈羞瞪吊贾漏斑涛悠鹿俘锡卑葬铭滩嫁催璇翅盒蛮矣潘歧赐鲍锅廊拆灌勉盲宰佐啥胀扯禧辽抹筒棋裤唉朴咐孕誓喉妄拘链驰栏逝窃艳臭纤玑棵趁匠盈翁愁瞬婴孝颈倘浙谅蔽畅赠妮莎尉冻跪闯葡後厨鸭颠遮谊圳吁仑辟瘤嫂陀框谭亨钦庸歉芝吼甫衫摊宴嘱衷娇陕矩浦讶耸裸碧摧薪淋耻胶屠鹅饥盼脖虹翠崩账萍逢赚撑翔倡绵猴枯巫昭怔渊凑溪蠢禅阐旺寓藤匪伞碑挪琼脂谎慨菩萄狮掘抄岭晕逮砍掏狄晰罕挽脾舟痴蔡剪脊弓懒叉拐喃僚捐姊骚拓歪粘柄坑陌窄湘兆崖骄刹鞭芒筋聘钩棍嚷腺弦焰耍俯厘愣厦恳饶钉寡憾摔叠惹喻谱愧煌徽溶坠煞巾滥洒堵瓷咒姨棒郡浴媚稣淮哎屁漆淫巢吩撰啸滞玫硕钓蝶膝姚茂躯吏猿寨恕渠戚辰舶颁惶狐讽笨袍嘲啡泼衔倦涵雀旬僵撕肢垄夷逸茅侨舆窑涅蒲谦杭噢弊勋刮郊凄捧浸砖鼎篮蒸饼亩肾陡爪兔殷贞荐哑炭坟眨搏咳拢舅昧擅爽咖搁禄雌哨巩绢螺裹昔轩谬谍龟媳姜瞎冤鸦蓬巷琳栽沾诈斋瞒彪厄咨纺罐桶壤糕颂膨谐垒咕隙辣绑宠嘿兑霉挫稽辐乞纱裙嘻哇绣杖塘衍轴攀膊譬斌祈踢肆坎轿棚泣屡躁邱凰溢椎砸趟帘帆栖窜丸斩堤塌贩厢掀喀乖谜捏阎滨虏匙芦苹卸沼钥株祷剖熙哗劈怯棠胳桩瑰娱娶沫嗓蹲焚淘嫩韵衬匈钧竖峻豹捞菊鄙魄兜哄颖镑屑蚁壶怡渗秃迦旱哟咸焉谴宛稻铸锻伽詹毙恍贬烛骇芯汁桓坊驴朽靖佣汝碌迄冀荆崔雁绅珊榜诵傍彦醇笛禽勿娟瞄幢寇睹贿踩霆呜拱妃蔑谕缚诡篷淹腕煮倩卒勘馨逗甸贱炒灿敞蜡囚栗辜垫妒魁谣寞蜀甩涯枕丐泳奎泌逾叮黛燥掷藉枢憎鲸弘倚侮藩拂鹤蚀浆芙垃烤晒霜剿蕴圾绸屿氢驼妆捆铅逛淑榴丙痒钞蹄犬躬昼藻蛛褐颊奠募耽蹈陋侣魅岚侄虐堕陛莹荫狡阀绞膏垮茎缅喇绒搅凳梭丫姬诏钮棺耿缔懈嫉灶匀嗣鸽澡凿纬沸畴刃遏烁嗅叭熬瞥骸奢拙栋毯桐砂莽泻坪梳杉晤稚蔬蝇捣顷麽尴镖诧尬硫嚼羡沦沪旷彬芽狸冥碳咧惕暑咯萝汹腥窥俺潭崎麟捡拯厥澄萎哉涡滔暇溯鳞酿茵愕瞅暮衙诫斧兮焕棕佑嘶妓喧蓉删樱伺嗡娥梢坝蚕敷澜杏绥冶庇挠搂倏聋琉僻躇彷踊堰锣缄枉鼠勃")
_RANK = {c: i for i, c in enumerate(_COMMON_ORDER)}
# The characters of a (normalized) message, commonest first: punctuation and digits, the common characters above, Latin letters.
_ROOT_ORDER = ",。!?:;、.()【】“”《》…-~ 0123456789" + _COMMON_ORDER + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NEVER = "\uffff"


def _rarity(c: str) -> int:
    return _RANK.get(c, 100000)


def _rarest(chars: set[str] | str) -> str:
    return max(chars, key=lambda c: (_rarity(c), c))


def _gate_quality(chars: frozenset[str]) -> tuple[int, int]:
    """Higher is better: the commonest character of the set decides how often the gate opens; fewer is better."""
    return (min(_rarity(c) for c in chars), -len(chars))


def _chars_of(op, value) -> frozenset[str] | None:
    """The characters a single-character node can match, when few."""
    from re import _constants as sre

    if op is sre.LITERAL:
        return frozenset(chr(value))
    if op is sre.IN:
        chars = set()
        for kind, item in value:
            if kind is sre.LITERAL:
                chars.add(chr(item))
            elif kind is sre.RANGE and item[1] - item[0] < 16:
                chars.update(chr(c) for c in range(item[0], item[1] + 1))
            else:
                return None  # negated or large classes say nothing
        return frozenset(chars) if 0 < len(chars) <= 12 else None
    return None


def _key_quality(keys: frozenset[str]) -> int:
    """Higher is better: how rare the commonest key is (a pair of characters is rarer than either)."""
    return min(sum(_rarity(c) for c in key) + (100000 if len(key) > 1 else 0) for key in keys) - len(keys)


def _required_seq(items) -> frozenset[str] | None:
    """Keys (one or two characters) at least one of which a match of this sequence contains."""
    best: frozenset[str] | None = None
    items = list(items)
    candidates = [_required_node(op, value) for op, value in items]
    # Two adjacent single-character nodes give two-character keys ("冒" + "烟|火" → 冒烟, 冒火).
    for (a_op, a_value), (b_op, b_value) in zip(items, items[1:]):
        left, right = _chars_of(a_op, a_value), _chars_of(b_op, b_value)
        if left and right and len(left) * len(right) <= 24:
            candidates.append(frozenset(x + y for x in left for y in right))
    for found in candidates:
        if found is not None and (best is None or _key_quality(found) > _key_quality(best)):
            best = found
    return best


def _required_node(op, value) -> frozenset[str] | None:
    from re import _constants as sre

    chars = _chars_of(op, value)
    if chars is not None:
        return chars
    if op is sre.SUBPATTERN:
        return _required_seq(value[-1])
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            found = _required_seq(branch)
            if found is None:
                return None
            union.update(found)
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, _, body = value
        return _required_seq(body) if low >= 1 else None
    return None


def _word_key(word: str) -> str:
    if len(word) == 1:
        return word
    return max((word[i : i + 2] for i in range(len(word) - 1)), key=lambda pair: (_rarity(pair[0]) + _rarity(pair[1]), pair))


def required_chars(words: tuple[str, ...], patterns: tuple[str, ...]) -> frozenset[str] | None:
    """A gate for an item: every match of one of its keywords or patterns contains one of these keys (one or two
    characters). `text_keys(text)` gives the keys of a text; an item whose gate misses them cannot match."""
    try:
        from re import _parser
    except ImportError:  # pragma: no cover - other Python versions: no gate, same results
        return None
    gate: set[str] = set()
    for word in words:
        if word:
            gate.add(_word_key(word))
    for pattern in patterns:
        if not pattern:
            continue
        try:
            found = _required_seq(list(_parser.parse(pattern)))
        except Exception:  # noqa: BLE001 - an unusual pattern only loses the shortcut
            return None
        if found is None:
            return None
        gate.update(found)
    return frozenset(gate) if gate else None


def _first_chars(seq) -> tuple[frozenset[str] | None, bool]:
    """The characters a match of this parsed sequence can begin with (None: any), and whether it can be empty."""
    from re import _constants as sre

    first: set[str] = set()
    for op, value in seq:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero width: says nothing about the first character
        if op is sre.LITERAL:
            first.add(chr(value))
            return frozenset(first), False
        if op is sre.IN:
            for kind, item in value:
                if kind is sre.LITERAL:
                    first.add(chr(item))
                elif kind is sre.RANGE and item[1] - item[0] < 256:
                    first.update(chr(c) for c in range(item[0], item[1] + 1))
                else:
                    return None, False  # negated or wide classes: any character
            return frozenset(first), False
        if op is sre.SUBPATTERN:
            found, empty = _first_chars(value[-1])
        elif op is sre.BRANCH:
            found, empty = frozenset(), False
            for branch in value[1]:
                part, part_empty = _first_chars(branch)
                if part is None:
                    return None, False
                found, empty = found | part, empty or part_empty
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _, body = value
            found, empty = _first_chars(body)
            empty = empty or low == 0
        else:
            return None, False
        if found is None:
            return None, False
        first |= found
        if not empty:
            return frozenset(first), False
    return frozenset(first), True


def _plain(seq) -> bool:
    """No look-around, anchor or back-reference anywhere in this parsed sequence."""
    from re import _constants as sre

    for op, value in seq:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT, sre.GROUPREF, sre.GROUPREF_EXISTS):
            return False
        if op is sre.SUBPATTERN and not _plain(value[-1]):
            return False
        if op is sre.BRANCH and not all(_plain(branch) for branch in value[1]):
            return False
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) and not _plain(value[2]):
            return False
        if op is getattr(sre, "ATOMIC_GROUP", None) and not _plain(value):
            return False
    return True


# Longer bounds gain little over scanning the whole text; so do texts shorter than a few windows.
_MAX_WIDTH = 200
_WINDOWED_TEXT = 4


def match_width(regex: re.Pattern) -> int | None:
    """The length of the longest possible match of `regex`, when it is bounded and nothing but the matched
    characters decide a match (no look-around, anchor or back-reference); None otherwise."""
    try:
        from re import _parser

        parsed = _parser.parse(regex.pattern, regex.flags)
        if not _plain(list(parsed)):
            return None
        width = parsed.getwidth()[1]
    except Exception:  # noqa: BLE001 - an unusual pattern only loses the shortcut
        return None
    return width if 0 < width <= _MAX_WIDTH else None


def _lookahead_reach(seq, *, inside: bool = False) -> int | None:
    """How far past the position where it stands a look-ahead of this parsed sequence can read (0 without any);
    None for an anchor, a back-reference, a look-around inside another or an unbounded look-ahead."""
    from re import _constants as sre

    reach = 0
    for op, value in seq:
        found: int | None = 0
        if op in (sre.AT, sre.GROUPREF, sre.GROUPREF_EXISTS):
            return None
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = value
            if inside or _lookahead_reach(body, inside=True) is None:
                return None
            # A look-behind reads before the position, which a search from `pos` still sees; a look-ahead reads on.
            found = body.getwidth()[1] if direction == 1 else 0
            if found > _MAX_WIDTH:
                return None
        elif op is sre.SUBPATTERN:
            found = _lookahead_reach(value[-1], inside=inside)
        elif op is sre.BRANCH:
            branches = [_lookahead_reach(branch, inside=inside) for branch in value[1]]
            found = None if None in branches else max(branches, default=0)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            found = _lookahead_reach(value[2], inside=inside)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            found = _lookahead_reach(value, inside=inside)
        if found is None:
            return None
        reach = max(reach, found)
    return reach


def match_reach(regex: re.Pattern) -> tuple[int, int] | None:
    """(the longest possible match of `regex`, how far past a match's end its look-aheads can read) when both are
    bounded and no anchor or back-reference decides a match; None otherwise. Like `match_width`, with look-arounds:
    a search from `pos` to `endpos` decides a match starting in [pos, endpos - width - reach] as a search of the
    whole text does (look-behinds see the text before `pos`)."""
    try:
        from re import _parser

        parsed = _parser.parse(regex.pattern, regex.flags)
        ahead = _lookahead_reach(list(parsed))
        width = parsed.getwidth()[1]
    except Exception:  # noqa: BLE001 - an unusual pattern only loses the shortcut
        return None
    return (width, ahead) if ahead is not None and 0 < width <= _MAX_WIDTH else None


def start_scanner(regex: re.Pattern) -> re.Pattern | None:
    """A character class of every character a match of `regex` can start with: scanning for it, then matching
    there, finds the same matches as `finditer` (None when the regex could start anywhere or match empty)."""
    try:
        from re import _parser

        first, empty = _first_chars(list(_parser.parse(regex.pattern, regex.flags)))
    except Exception:  # noqa: BLE001 - an unusual pattern only loses the shortcut
        return None
    if first is None or empty or not first or regex.flags & re.IGNORECASE:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(first)) + "]")


def text_keys(text: str) -> set[str]:
    """The characters and adjacent pairs of characters of a text (what item gates are checked against)."""
    keys = set(text)
    keys.update(map(str.__add__, text, text[1:]))
    return keys


def _compile(words: tuple[str, ...], patterns: tuple[str, ...], where: str) -> re.Pattern | None:
    parts = [re.escape(w) for w in words if w] + [p for p in patterns if p]
    if not parts:
        return None
    # Longest alternatives first so the reported keyword is the most specific one.
    parts.sort(key=len, reverse=True)
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts))
    except re.error as error:
        raise ValidationFailed(f"分流转办事项清单第 {where} 项的正则表达式有误：{error}") from None


def parse_transfer_list(data: dict, *, source: str = "") -> TransferList:
    """Validate a decoded TOML document and compile its items."""
    raw_items = data.get("item") or []
    if not raw_items:
        raise ValidationFailed("分流转办事项清单为空")
    items: list[TransferItem] = []
    seen: set[str] = set()
    for raw in raw_items:
        item_id = str(raw.get("id", "")).strip()
        if not item_id or item_id in seen:
            raise ValidationFailed(f"分流转办事项清单中事项编号缺失或重复：{item_id or '（空）'}")
        seen.add(item_id)
        direction = raw.get("direction", "12345")
        platform = raw.get("platform", "12345")
        if direction not in DIRECTIONS:
            raise ValidationFailed(f"事项 {item_id} 的流向无效：{direction}")
        if platform not in PLATFORMS:
            raise ValidationFailed(f"事项 {item_id} 的平台无效：{platform}")
        request_type = raw.get("request_type") or None
        if request_type is not None and request_type not in REQUEST_TYPES:
            raise ValidationFailed(f"事项 {item_id} 的诉求类型无效：{request_type}")
        level = raw.get("level", "一般")
        if level not in LEVELS:
            raise ValidationFailed(f"事项 {item_id} 的事件等级无效：{level}")
        keywords = tuple(raw.get("keywords", ()))
        patterns = tuple(raw.get("patterns", ()))
        exclude = tuple(raw.get("exclude", ()))
        emergency = direction == "emergency"
        secondary = []
        for entry in raw.get("secondary", ()):
            entry = {"platform": entry} if isinstance(entry, str) else dict(entry)
            if entry.get("platform") not in EMERGENCY_PLATFORMS:
                raise ValidationFailed(f"事项 {item_id} 的联动平台无效：{entry.get('platform')}")
            when = _compile((), tuple(_as_list(entry.get("when"))), item_id)
            secondary.append(Secondary(entry["platform"], str(entry.get("reason", "")), when))
        sentence_exclude = []
        for entry in raw.get("sentence_exclude", ()):
            entry = {"pattern": entry} if isinstance(entry, str) else dict(entry)
            sentence_exclude.append((_compile((), (str(entry.get("pattern", "")),), item_id), str(entry.get("reason") or "所在句子说明不是这一情形")))
        incidental = tuple(_compile((), (p,), item_id) for p in raw.get("incidental", ()) if p)
        items.append(
            TransferItem(
                id=item_id,
                name=raw.get("name", item_id),
                direction=direction,
                platform=platform,
                priority=int(raw.get("priority", 50)),
                department=raw.get("department") or None,
                category=tuple(raw.get("category", ())),
                request_type=request_type,
                level=level,
                description=raw.get("description", ""),
                examples=tuple(raw.get("examples", ())),
                keywords=keywords,
                patterns=patterns,
                exclude=exclude,
                check_negation=bool(raw.get("check_negation", True)),
                check_past=bool(raw.get("check_past", emergency or platform == "110")),
                check_hypothetical=bool(raw.get("check_hypothetical", emergency or platform == "110")),
                never_miss=bool(raw.get("never_miss", False)),
                secondary=tuple(secondary),
                sentence_exclude=tuple((p, r) for p, r in sentence_exclude if p is not None),
                incidental=tuple(p for p in incidental if p is not None),
                interim=bool(raw.get("interim", False)),
                duty_words=tuple(raw.get("duty_words", ())),
                regex=_compile(keywords, patterns, item_id),
                exclude_regex=_compile((), exclude, item_id),
                required=required_chars(keywords, patterns),
            )
        )
    items.sort(key=lambda i: -i.priority)
    digest = hashlib.sha256(repr(sorted(data.items(), key=lambda kv: kv[0])).encode("utf-8")).hexdigest()[:16]
    compounds = tuple(str(w) for w in data.get("compound_words", ()) if w)
    return TransferList(version=str(data.get("version", "0")), items=tuple(items), digest=digest, compound_words=compounds)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def load_transfer_list(path: Path) -> TransferList:
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValidationFailed(f"找不到分流转办事项清单：{path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(f"分流转办事项清单格式错误：{error}") from None
    return parse_transfer_list(data, source=str(path))
