"""The triage engine: transfer-list rules with a safety override, a model for the rest, and an explanation for every answer.

Pure: it is given its catalogue, transfer list and (optional) model, and touches no database or network.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field


from liandong.triage.catalog import TriageCatalog
from liandong.triage.rules import EMERGENCY_PLATFORMS, LEVELS, Hit, TransferItem, TransferList
from liandong.triage.text import TypoFixer, is_meaningful, normalize

REQUEST_TYPE_NAMES = {"consult": "咨询", "help": "求助", "complaint": "投诉", "report": "举报", "suggestion": "建议"}
PLATFORM_NAMES = {"12345": "12345 热线", "110": "110 报警服务台", "119": "119 消防救援", "120": "120 急救", "guidance": "引导至其他渠道", "invalid": "无效来电"}
MAX_TEXT = 10000
# Total model probability of 110/119/120 above which an unmatched request is still treated as an emergency
# (chosen on the dev split: false alarms below 1% there; lower values doubled them).
MODEL_EMERGENCY_THRESHOLD = 0.5
MODEL_POLICE_THRESHOLD = 0.7

# Words that say what kind of request it is, whatever the subject.
_TYPE_CUES: dict[str, re.Pattern] = {
    "consult": re.compile(
        r"请问|咨询|想问|问一下|问问|想了解|了解一下|怎么办理|如何办理|怎么办|怎么申请|如何申请|怎么操作|怎么交|怎么查|怎么补办|怎么转移|怎么计算|怎么算|"
        r"需要什么|需要哪些|要带什么|带什么|什么条件|哪些条件|在哪里|去哪里|在哪个|哪个部门|多久|多长时间|什么时候|是否可以|能不能取|能不能用|能不能给|能否|"
        r"在哪|哪里可以|哪里能|哪能|能充吗|可以.{0,6}吗|流程|手续|政策|标准是|有没有.{0,8}(?:补贴|政策|扶持|支持)|咋办理|咋弄|咋申请|是多少|多少钱|还在吗|上不上班|合法吗"
    ),
    "complaint": re.compile(
        r"投诉|不作为|态度(?:很|太|特别|十分)?(?:差|恶劣|不好|蛮横)|不给(?:退|办|修|赔|维修|补偿)|拖欠|乱收费|扰民|吵得|太吵|吵死|睡不着|没法休息|"
        r"给个说法|强制|推诿|不管|不理|不处理|没人管|没人修|一直没|太差|不合理|不公平|要求退|多收|不认|刁难|欺负|跑了.{0,3}趟"
    ),
    "report": re.compile(
        r"举报|违法|违规|非法|无证|没有资质|没有.{0,4}(?:执照|许可|资格)|偷排|偷偷|私自|私挖|假的|假冒|假货|黑诊所|查处|三无|过期|地沟油|虚开|未成年人"
    ),
    "help": re.compile(
        r"求助|帮忙|帮帮|帮一把|麻烦.{0,6}(?:来|修|看|处理)|尽快(?:修|处理|来|恢复)|赶紧来|坏了|停水|停电|没水|没电|不热|修一下|救助|申请低保|"
        r"很着急|怎么办才好|没法做饭|受不了|冻得|请.{0,4}(?:来人|派人)"
    ),
    "suggestion": re.compile(
        r"建议|提个意见|提点意见|呼吁|倡议|"
        r"(?:希望|盼望|期望|恳请|请求)[^，。！？,!?]{0,14}(?:增设|增加|开通|多建|多装|多设|多开|延长|加大|加固|调整|做得|简化|优化|改进|改善|新建|修建|规划|考虑|能够|取消|设立|安装)|"
        r"能不能(?:增设|增加|开通|多|在|考虑)|可否|是否可以考虑"
    ),
}
_CUE_WEIGHT = 0.45

# Grading (四级联动响应): numbers of people, disasters and deaths raise the level of an emergency.
_MAJOR = re.compile(
    r"(?:十几|二十|三十|几十|数十|上百|一百|好几十|一大群|大批|大量|多名|多人|好多人|很多人|许多人|十多)(?:个|名|户|位)?(?:人|学生|工人|群众|村民|人家|户|老人)|"
    r"爆炸|坍塌|塌方|滑坡|泥石流|被埋|淹了|危化品|化工厂|煤矿|井下|整栋|整个小区"
)
_EXTREME = re.compile(r"(?:死亡|遇难|身亡)[^。！？]{0,6}(?:多人|十|几十|数十|上百)|(?:几十|数十|上百|一百多)(?:个)?人(?:死亡|遇难|被困|被埋)")


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
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data.update(self.extra)
        return data


def _level_for(item_level: str, text: str) -> str:
    level = LEVELS.index(item_level)
    if _MAJOR.search(text):
        level = max(level, LEVELS.index("重大"))
    if _EXTREME.search(text):
        level = LEVELS.index("特别重大")
    return LEVELS[level]


class TriageEngine:
    def __init__(self, *, catalog: TriageCatalog, transfer_list: TransferList, model=None, typos: dict[str, str] | None = None):
        self.catalog = catalog
        self.fix_typos = TypoFixer(typos or {})
        self.transfer_list = transfer_list
        self.model = model
        self.detector = catalog.detector()
        meta = getattr(model, "meta", {}) or {}
        self.model_version = meta.get("version")
        # Which units each category was seen with, so a category never contradicts the chosen unit.
        self._category_units: dict[str, set[str]] = {k: set(v) for k, v in (meta.get("category_departments") or {}).items()}

    # ------------------------------------------------------------ public

    def triage(self, text: str, *, location: str | None = None, channel: str | None = None) -> TriageResult:
        return self.triage_many([text], locations=[location], channels=[channel])[0]

    def triage_many(self, texts: list[str], *, locations=None, channels=None) -> list[TriageResult]:
        normalized = [self.fix_typos(normalize(t)[:MAX_TEXT]) for t in texts]
        probs = None
        if self.model is not None:
            live = [i for i, t in enumerate(normalized) if is_meaningful(t)]
            if live:
                batch = self.model.predict_proba([normalized[i] for i in live])
                # Plain lists: per-row dict building from numpy scalars is the slowest part otherwise.
                batch = {h: ([str(c) for c in classes], p.tolist()) for h, (classes, p) in batch.items()}
                probs = {i: {h: (c, p[row]) for h, (c, p) in batch.items()} for row, i in enumerate(live)}
        results = []
        for i, text in enumerate(normalized):
            location = locations[i] if locations else None
            channel = channels[i] if channels else None
            results.append(self._decide(text, (probs or {}).get(i), location=location, channel=channel))
        return results

    # ------------------------------------------------------------ decision

    def _decide(self, text: str, probs: dict | None, *, location: str | None, channel: str | None) -> TriageResult:
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

        hits, rejected = self.transfer_list.match(text)
        model_platform = self._top(probs, "platform")
        emergency_hits = [h for h in hits if h.item.is_emergency]
        if emergency_hits:
            return self._emergency(text, emergency_hits, rejected, model_platform, place, base)

        rejected_alarms = [r for r in rejected if r.item.is_emergency or r.item.platform in EMERGENCY_PLATFORMS]
        for r in rejected_alarms:
            reasons.append(f"「{r.keyword}」未触发{PLATFORM_NAMES[r.item.platform]}：{r.why}")

        # Safety net: the words of an emergency the list does not know yet. When the list explicitly
        # discounted an alarm (negated, past, hypothetical) the model is not allowed to raise it again.
        emergency_p = self._emergency_probability(probs)
        if emergency_p is not None and not rejected_alarms and emergency_p[1] >= MODEL_EMERGENCY_THRESHOLD:
            label, p = emergency_p
            # 110 covers much that is not urgent ("有人遛狗不拴绳"): it needs a surer model than 119/120.
            if (label != "110" or p >= MODEL_POLICE_THRESHOLD) and not any(h.item.platform == "110" for h in hits):
                return self._result(
                    text, platform=label, hit=None, department={"110": "gaj", "119": "xfzd", "120": "wjw"}[label],
                    category=self._model_category(probs, None), level="较大", confidence=round(float(p), 2),
                    reasons=[f"安全优先：未命中清单紧急事项，但模型判断疑似紧急（{PLATFORM_NAMES[label]}，概率 {p:.2f}），请接线员立即核实"] + reasons,
                    probs=probs, place=place, base=base, emergency=True,
                )

        police = [h for h in hits if h.item.platform in EMERGENCY_PLATFORMS]
        if police:
            hit = police[0]
            return self._result(
                text, platform=hit.item.platform, hit=hit, department=hit.item.department, category=list(hit.item.category),
                level=_level_for(hit.item.level, text), confidence=0.85, reasons=[self._hit_reason(hit)] + reasons,
                probs=probs, place=place, base=base,
            )

        others = [h for h in hits if h.item.platform != "invalid"]
        guidance = [h for h in others if h.item.platform == "guidance"]
        service = [h for h in others if h.item.platform == "12345"]
        if guidance and (not service or guidance[0].item.priority >= service[0].item.priority):
            hit = guidance[0]
            return self._result(
                text, platform="guidance", hit=hit, department=None, category=[], level="一般", confidence=0.8,
                reasons=[self._hit_reason(hit), "不属于 12345 和 110 受理范围，应做好引导和解释（如向人民法院、仲裁机构、金融机构咨询）"] + reasons,
                probs=probs, place=place, base=base,
            )

        if not service:
            invalid = [h for h in hits if h.item.platform == "invalid"]
            if invalid and len(text) <= 40:
                return self._result(
                    text, platform="invalid", hit=invalid[0], department=None, category=[], level="一般", confidence=0.85,
                    reasons=[self._hit_reason(invalid[0]), "未提出具体诉求"] + reasons, probs=probs, place=place, base=base,
                )
            if model_platform is not None:
                label, p = model_platform
                if label in EMERGENCY_PLATFORMS and p >= 0.5:
                    return self._result(
                        text, platform=label, hit=None, department={"110": "gaj", "119": "xfzd", "120": "wjw"}[label],
                        category=self._model_category(probs, None), level="较大" if label != "110" else "一般", confidence=round(float(p), 2),
                        reasons=[f"未命中清单，模型判断属于{PLATFORM_NAMES[label]}（概率 {p:.2f}），请接线员核实"] + reasons,
                        probs=probs, place=place, base=base, emergency=label != "110",
                    )
                # Guidance only by the list (a content-free "我想咨询一下" must not be turned away); invalid when sure and short.
                if label == "invalid" and p >= 0.8 and len(text) <= 40:
                    return self._result(
                        text, platform=label, hit=None, department=None, category=[], level="一般", confidence=round(float(p), 2),
                        reasons=[f"未命中清单，模型判断为{PLATFORM_NAMES[label]}（概率 {p:.2f}）"] + reasons,
                        probs=probs, place=place, base=base,
                    )
        return self._service(text, service, probs, place, base, reasons)

    def _emergency(self, text, hits: list[Hit], rejected, model_platform, place, base) -> TriageResult:
        hit = hits[0]
        item = hit.item
        reasons = [f"安全优先：{self._hit_reason(hit)}，立即转{PLATFORM_NAMES[item.platform]}"]
        also = sorted({h.item.platform for h in hits[1:] if h.item.platform != item.platform})
        if also:
            reasons.append("同时涉及：" + "、".join(PLATFORM_NAMES[p] for p in also) + "，请联动处置")
        if model_platform is not None and model_platform[0] not in EMERGENCY_PLATFORMS:
            reasons.append(f"模型倾向 {model_platform[0]}（概率 {model_platform[1]:.2f}），已按安全规则覆盖")
        level = _level_for(item.level, text)
        if level != "一般":
            reasons.append(f"事件等级：{level}" + ("（较大及以上事件由 110 先行处置，同时通知 12345 协调联合处置）" if level != "较大" else ""))
        return self._result(
            text, platform=item.platform, hit=hit, department=item.department if item.department in self.catalog.units else None,
            category=list(item.category), level=level, confidence=0.95 if len(hits) > 1 or len(hit.keyword) > 2 else 0.9,
            reasons=reasons, probs=None, place=place, base=base, emergency=True,
        )

    def _service(self, text, hits: list[Hit], probs, place, base, reasons) -> TriageResult:
        dept_probs = self._dist(probs, "department")
        chosen: Hit | None = None
        if hits:
            # Priority decides; the model breaks near-ties between items of different units.
            def score(h: Hit) -> float:
                return h.item.priority / 100 + h.strength + 0.5 * dept_probs.get(h.item.department or "", 0.0)

            chosen = max(hits, key=score)
        if chosen is not None:
            department = chosen.item.department
            dept_conf = max(dept_probs.get(department or "", 0.0), 0.6)
            reasons.insert(0, self._hit_reason(chosen))
        elif dept_probs:
            department, p = max(dept_probs.items(), key=lambda kv: kv[1])
            dept_conf = p
            unit = self.catalog.units.get(department)
            reasons.insert(0, f"未命中清单，模型判断承办单位为{unit.name if unit else department}（概率 {p:.2f}）")
        else:
            department, dept_conf = ("sd" if "sd" in self.catalog.units else None), 0.3
            reasons.insert(0, "未命中清单且无模型，按首接负责制由属地先行受理")
        if department not in self.catalog.units:
            department = None

        request_type, type_reason, type_conf = self._request_type(text, probs, chosen.item if chosen else None)
        reasons.append(type_reason)
        category, category_p = self._model_category(probs, department, with_probability=True)
        # The matched item's category wins unless the model is sure of a more specific one for the same unit.
        if chosen is not None and chosen.item.category and chosen.item.department == department and category_p < 0.6:
            category = list(chosen.item.category)
        category = self.catalog.valid_category(category)
        if not hits and dept_conf < 0.35:
            reasons.append("诉求归属不明确，按首接负责制由 12345 先行受理，必要时协商确定承办单位")
        confidence = round(float(min(0.99, 0.35 + 0.4 * dept_conf + 0.25 * type_conf)), 2)
        return self._result(
            text, platform="12345", hit=chosen, department=department, category=category, level="一般",
            confidence=confidence, reasons=reasons, probs=probs, place=place, base=base, request_type=request_type,
        )

    # ------------------------------------------------------------ pieces

    def _request_type(self, text: str, probs, item: TransferItem | None) -> tuple[str, str, float]:
        scores = dict(self._dist(probs, "request_type"))
        for name in REQUEST_TYPE_NAMES:
            scores.setdefault(name, 0.0)
        cues = []
        for name, pattern in _TYPE_CUES.items():
            m = pattern.search(text)
            if m:
                scores[name] += _CUE_WEIGHT
                cues.append(m.group(0))
        if item is not None and item.request_type:
            scores[item.request_type] += 0.3
        best = max(scores, key=lambda k: scores[k])
        total = sum(scores.values()) or 1.0
        conf = scores[best] / total
        evidence = f"线索「{'、'.join(cues[:3])}」" if cues else "依据模型"
        return best, f"诉求类型：{REQUEST_TYPE_NAMES[best]}（{evidence}）", conf

    def _model_category(self, probs, department: str | None, *, with_probability: bool = False):
        dist = self._dist(probs, "category")
        found: tuple[list[str], float] = ([], 0.0)
        for label, p in sorted(dist.items(), key=lambda kv: -kv[1])[:6]:
            if department is None or self._category_fits(label.split("/"), department):
                found = (label.split("/"), p)
                break
        return found if with_probability else found[0]

    def _category_fits(self, category: list[str], department: str) -> bool:
        units = self._category_units.get("/".join(category))
        return units is None or department in units

    def _result(self, text, *, platform, hit, department, category, level, confidence, reasons, probs, place, base, request_type=None, emergency=False) -> TriageResult:
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
            reasons=[r for r in reasons if r],
            transfer_item_id=hit.item.id if hit else None,
            transfer_item_name=hit.item.name if hit else None,
            emergency=emergency,
            **base,
        )

    @staticmethod
    def _hit_reason(hit: Hit) -> str:
        return f"命中分流转办事项 {hit.item.id}「{hit.item.name}」，关键词「{hit.keyword}」"

    @staticmethod
    def _dist(probs, head: str) -> dict[str, float]:
        if not probs or head not in probs:
            return {}
        classes, p = probs[head]
        return dict(zip(classes, p))

    @staticmethod
    def _emergency_probability(probs) -> tuple[str, float] | None:
        """(most likely emergency platform, total probability of the three) from the platform head."""
        if not probs or "platform" not in probs:
            return None
        dist = dict(zip(*probs["platform"]))
        parts = {p: dist.get(p, 0.0) for p in EMERGENCY_PLATFORMS}
        return max(parts, key=parts.get), sum(parts.values())

    @staticmethod
    def _top(probs, head: str) -> tuple[str, float] | None:
        if not probs or head not in probs:
            return None
        classes, p = probs[head]
        i = max(range(len(p)), key=p.__getitem__)
        return classes[i], p[i]
