"""Realistic demo orders for 晋城市: a few hundred requests over the last 90 days, in every state.

Every order goes through the real service — routed down the unit tree as a dispatcher would (city bureau, or
county sub-centre and on to a county bureau or township), with triage's suggestion stored, units' structured
replies in varied wording, 12345's review and callbacks with their real outcomes — so the timelines, clocks
and figures are what production would record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.workorder import service, summary
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import WorkOrder

PLACES = {
    "140502": ["城区北石店镇", "城区西街街道", "城区东街街道", "城区钟家庄街道", "城区南街街道凤台社区"],
    "140521": ["沁水县龙港镇", "沁水县嘉峰镇", "沁水县端氏镇"],
    "140522": ["阳城县凤城镇", "阳城县北留镇", "阳城县润城镇"],
    "140524": ["陵川县崇文镇", "陵川县附城镇", "陵川县礼义镇"],
    "140525": ["泽州县巴公镇", "泽州县南村镇", "泽州县金村镇", "泽州县下村镇"],
    "140581": ["高平市米山镇", "高平市寺庄镇", "高平市河西镇", "高平市三甲镇"],
}
COMMUNITIES = ["锦绣苑小区", "凤鸣小区", "泽州花园", "书院街小区", "兰花城小区", "福泰家园", "金鼎小区", "白水东街家属院"]
NAMES = ["王女士", "李先生", "张女士", "刘先生", "陈女士", "赵先生", "杨女士", "郭先生", "牛先生", "原女士", None, None]


@dataclass(frozen=True)
class Template:
    request_type: str
    department: str
    category: tuple[str, ...]
    text: str
    level: str = "一般"


TEMPLATES = [
    Template("complaint", "zjj", ("城乡建设", "住房保障与房地产", "物业服务"), "来电人反映{place}{community}物业公司长期不作为，楼道灯坏了两个月没人修，垃圾堆在单元门口，多次找物业无果，要求相关部门督促整改。"),
    Template("complaint", "zjj", ("城乡建设", "工程质量", "其他"), "来电人反映{place}一建筑工地晚上十一点以后还在施工，搅拌机噪音很大，影响周边居民休息，要求夜间停止施工。"),
    Template("help", "zjj", ("城乡建设", "住房保障与房地产", "修缮装修"), "来电人称{place}{community}楼上住户装修把自家卫生间顶棚泡了，协商无果，请求协调处理。"),
    Template("consult", "zjj", ("城乡建设", "住房保障与房地产", "其他"), "来电人咨询{community}属于老旧小区，加装电梯需要什么手续，补贴标准是多少。"),
    Template("complaint", "cgj", ("城乡建设", "城市建设和市政管理", "城管执法"), "来电人反映{place}农贸市场门口占道经营严重，早晚高峰车辆无法通行，希望城管部门加强管理。"),
    Template("help", "cgj", ("城乡建设", "城市建设和市政管理", "城市公共设施"), "来电人反映{place}主干道上一个井盖破损下陷，晚上看不清很危险，请尽快修复。"),
    Template("complaint", "cgj", ("城乡建设", "城市建设和市政管理", "环境卫生"), "网友留言：{place}{community}门口的垃圾桶已经三天没有清运，气味难闻，蚊蝇很多。"),
    Template("help", "cgj", ("城乡建设", "城市建设和市政管理", "基础设施"), "来电人反映{place}一段路的路灯连续一周不亮，居民夜间出行不便，请求维修。"),
    Template("complaint", "sthjj", ("环境保护", "环境污染", "大气污染"), "来电人反映{place}附近一家焦化厂晚上偷排废气，刺鼻气味很重，要求环保部门查处。"),
    Template("report", "sthjj", ("环境保护", "环境污染", "水污染"), "来电人举报{place}一小作坊往河道里直排污水，河水发黑发臭。"),
    Template("complaint", "scjgj", ("商贸旅游", "市场监管", "商品质量"), "来电人反映在{place}一家超市买的牛奶已过保质期，商家拒绝退换，要求维权。"),
    Template("report", "scjgj", ("卫生计生", "食品药品监管", "食品安全"), "来电人举报{place}一家小饭店后厨卫生极差，使用过期食材，请求市场监管部门检查。"),
    Template("complaint", "scjgj", ("商贸旅游", "市场监管", "物价监督"), "来电人反映{place}某加油站明码标价与实际收费不一致，多收了钱。"),
    Template("complaint", "rsj", ("劳动和社会保障", "工资福利", "工资发放"), "来电人反映其在{place}某建筑公司务工，老板拖欠五个月工资共计两万三千元，多次讨要无果，请求帮助。"),
    Template("consult", "rsj", ("劳动和社会保障", "城镇职工社会保险", "职工养老保险"), "来电人咨询灵活就业人员养老保险每年的缴费基数和缴费时间是怎么规定的。"),
    Template("consult", "rsj", ("劳动和社会保障", "其他", "其他"), "来电人咨询社保卡丢失后如何补办，需要带什么材料，在哪里办理。"),
    Template("consult", "ybj", ("劳动和社会保障", "城镇居民社会保险", "其他"), "来电人咨询在外省住院，异地就医备案怎么办理，报销比例是多少。"),
    Template("complaint", "wjw", ("卫生计生", "医患纠纷", "患者权益"), "来电人反映在{place}卫生院看病时医生态度恶劣，乱开检查，要求调查处理。"),
    Template("consult", "wjw", ("卫生计生", "其他", "其他"), "来电人咨询孩子出生医学证明丢失了，怎么补办。"),
    Template("consult", "jyj", ("教育文体", "教育行政管理", "其他"), "来电人咨询今年小学一年级入学报名时间和需要准备的材料，户口在{place}。"),
    Template("complaint", "jyj", ("教育文体", "教育收费", "乱收费"), "来电人反映{place}某中学以资料费名义向学生收取费用，每人三百元，认为属于乱收费。"),
    Template("complaint", "jtj", ("交通运输", "出租车管理", "行业监管"), "来电人反映在{place}乘坐出租车，司机拒绝打表，一口价要五十元，要求处理。"),
    Template("suggestion", "jtj", ("交通运输", "其他", "其他"), "来电人建议在{place}增设一条公交线路，方便附近村民进城，现在要走两公里才能坐上车。"),
    Template("consult", "gaj", ("政法", "户籍证件", "身份证管理"), "来电人咨询身份证丢了怎么补办，能不能异地办理，需要多长时间。"),
    Template("consult", "gaj", ("政法", "户籍证件", "户籍管理"), "来电人咨询孩子上户口需要准备哪些材料，父母户口不在一起怎么办。"),
    Template("consult", "mzj", ("民政", "社会救助", "城镇低保"), "来电人咨询家里老人没有收入，申请低保需要什么条件和流程。"),
    Template("help", "mzj", ("民政", "社会救助", "其他"), "来电人反映{place}车站附近有一名流浪老人，天气冷了，请求救助站帮忙。"),
    Template("consult", "zrzyj", ("国土资源", "土地资源管理", "其他"), "来电人咨询{place}二手房办理不动产登记需要哪些材料，多长时间能拿证。"),
    Template("help", "gs", ("城乡建设", "城市建设和市政管理", "自来水供应"), "来电人反映{place}{community}从昨天开始停水，没有任何通知，家里老人孩子生活困难，请尽快恢复供水。"),
    Template("help", "gd", ("城乡建设", "城市建设和市政管理", "电力供应"), "来电人反映{place}频繁停电，一天停了三四次，冰箱里的东西都坏了。"),
    Template("complaint", "rl", ("城乡建设", "城市建设和市政管理", "冬季采暖"), "来电人反映{place}{community}暖气不热，室内温度只有十四度，家里有老人，请求热力公司处理。"),
    Template("consult", "rq", ("城乡建设", "城市建设和市政管理", "燃气供应"), "来电人咨询燃气卡充值可以在哪里办理，能不能在手机上充值。"),
    Template("consult", "nyncj", ("农村农业", "惠农补贴", "粮食直补"), "来电人咨询今年的耕地地力保护补贴什么时候发放，{place}的标准是多少。"),
    Template("consult", "sw", ("经济管理", "金融财税", "其他"), "来电人咨询个人所得税年度汇算怎么在手机上办理，有没有截止时间。"),
    Template("complaint", "wlj", ("商贸旅游", "旅游管理", "其他"), "来电人反映在{place}某景区游玩时被强制消费，门票之外又收了观光车费用。"),
    Template("report", "xfzd", ("城乡建设", "安全生产", "安全隐患"), "来电人反映{place}{community}有住户把电动车推进楼道里充电，堵塞消防通道，存在火灾隐患。"),
    Template("consult", "gjj", ("城乡建设", "住房保障与房地产", "住房公积金"), "来电人咨询租房提取住房公积金需要什么材料，每年能提取多少。"),
    Template("help", "sd", ("民政", "基层选举和社区建设", "其他"), "来电人反映与{place}邻居因宅基地边界发生纠纷，双方争执不下，请求村委会和镇政府调解。"),
    Template("suggestion", "dsj", ("科技与信息产业", "信息化建设", "其他"), "来电人建议12345热线的微信小程序增加工单办理进度查询功能，现在只能打电话问。"),
    Template("complaint", "spj", ("党务政务", "其他", "其他"), "来电人反映在市政务服务大厅办理营业执照，窗口人员让其来回跑了三趟，材料一次没说清。"),
]


# How units answer, in their own varied words: what was found, what was done, what the caller was told.
FINDINGS = (
    "经工作人员现场核查，来电反映情况属实。",
    "接单后我单位立即安排专人到现场了解情况，反映问题基本属实。",
    "经与来电人电话沟通并实地查看，确认存在所反映的问题。",
    "我单位会同属地社区进行了核实，情况与来电人反映一致。",
)
MEASURES = {
    "zjj": ("已约谈物业公司负责人，责令其三日内修复并建立日常巡查台账。", "已要求施工单位严格遵守夜间施工规定，晚十点后停止高噪声作业。", "已协调双方现场协商，由责任方负责维修并承担费用。"),
    "cgj": ("已组织执法队员对占道经营进行清理，并安排专人每日早晚巡查。", "已通知维修班组更换破损井盖并设置警示标志。", "已安排环卫车辆当日清运，并调整该路段清运频次为每日两次。"),
    "sthjj": ("已对涉事企业开展现场执法检查，责令立即整改并依法立案调查。", "已对排污口取样送检，并责令作坊停止排放，后续将跟踪复查。"),
    "scjgj": ("已约谈商家，商家同意为来电人办理退换并赔礼道歉。", "已对该经营户立案调查，依法下达责令改正通知书。"),
    "rsj": ("已约谈用工单位负责人，督促其签订还款计划，首笔工资已于本周发放。", "已向来电人说明缴费政策，并告知可通过手机App查询缴费记录。"),
    "mzj": ("已联系救助站工作人员将其送至救助站安置，并联系家属。", "已向来电人详细解释低保申请条件和流程，并告知所需材料。"),
    "gd": ("已安排抢修人员更换老化线路，目前供电已恢复正常。",),
    "gs": ("已排查管网漏点并完成抢修，当晚十时恢复供水。",),
    "rl": ("已安排技术人员入户排查，对管道进行排气清洗，室温已达标。",),
}
GENERIC_MEASURES = (
    "已按职责进行处理，并将处理结果电话告知来电人。",
    "已制定整改方案，明确责任人和完成时限，目前已整改到位。",
    "已协调相关单位联合处置，问题已得到解决，后续将持续跟踪。",
)
PARTLY = ("因涉及多部门职责，目前已完成第一阶段整改，剩余部分计划于下月底前完成，届时将再次告知来电人。",)
EXPLAINED = ("经核实，来电人诉求超出现行政策规定，已向来电人详细解释相关政策依据，来电人表示理解。",)
UNTRUE = ("经现场核查，未发现来电人反映的情况，已将核查结果告知来电人。",)
HANDLERS = ("王工", "李科长", "张主任", "赵干事", "刘所长", "陈股长", "杨站长", "郭队长")


def _reply_text(rng: random.Random, duty: str, result: str) -> str:
    finding = rng.choice(FINDINGS)
    if result == "untrue":
        return rng.choice(UNTRUE)
    if result == "explained":
        return finding + rng.choice(EXPLAINED)
    measure = rng.choice(MEASURES.get(duty, GENERIC_MEASURES))
    tail = rng.choice(PARTLY) if result == "partly" else rng.choice(("已电话告知来电人处理结果。", "来电人对处理结果表示认可。", "我单位将加强日常监管，防止问题反弹。"))
    return finding + measure + tail


def _category_code(session: Session, names: tuple[str, ...]) -> str | None:
    found = catalog.find_category_by_names(session, list(names))
    return found.code if found else None


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def _suggestion(session: Session, text: str, template: Template, division: str) -> dict:
    """What triage would have shown the call-taker (stored with the order, as at a real intake: the same engine
    builder, fed the database's units, categories, divisions and transfer list)."""
    try:
        from liandong.triage import service as triage

        return triage.engine_for(session).triage(text).to_dict()
    except Exception:  # noqa: BLE001 - the demo must load without the triage model
        return {"platform": "12345", "request_type": template.request_type, "department": template.department,
                "division_code": division, "category": list(template.category), "confidence": 0.5, "reasons": []}


class _Walker:
    """Drives one order as far as its age and chance allow, through the real service, as the people involved would."""

    def __init__(self, session: Session, *, rng: random.Random, now: datetime):
        self.session = session
        self.rng = rng
        self.now = now
        self.tree = catalog.unit_tree(session)
        self.call_taker = Actor("demo-坐席01", Role.CALL_TAKER, records_history=True)
        self.dispatcher = Actor("demo-派单员", Role.DISPATCHER, records_history=True)
        self.supervisor = Actor("demo-督查员", Role.SUPERVISOR, records_history=True)

    def unit(self, code: str) -> Actor:
        kind = self.tree.get(code).kind
        role = Role.COUNTY_DISPATCHER if kind == "sub_centre" else Role.UNIT_HANDLER
        return Actor(f"demo-{code}", role, code, records_history=True)

    def start(self, order: WorkOrder) -> None:
        self.order_id = order.id
        self.clock = order.received_at

    def step(self, action: Action, actor: Actor, hours: float, **kw) -> WorkOrder:
        self.clock = min(self.clock + timedelta(hours=hours * (0.5 + self.rng.random())), self.now)
        return service.act(self.session, order_id=self.order_id, action=action, actor=actor, now=self.now, at=self.clock, **kw)

    def route(self, duty: str, division: str, town: str | None) -> tuple[str, str | None]:
        route = self.tree.route(duty, division, town_code=town)
        if route is None:
            return duty, None
        return route.first, route.second

    def dispatch_down(self, duty: str, division: str, town: str | None, *, assists: bool) -> str:
        """City → unit, or city → sub-centre → county unit (二级派单); returns the unit that handles it."""
        first, second = self.route(duty, division, town)
        self.step(Action.DISPATCH, self.dispatcher, 1, to=first, note=self.rng.choice((None, "请按时限办理并答复来电人。", "请核实后依法处理。")))
        if second is None:
            return first
        county = self.unit(first)
        extra = []
        if assists:
            local = [u.code for u in self.tree.reach(first) if u.kind == "bureau" and u.code != second]
            extra = [self.rng.choice(local)] if local else []
        self.step(Action.DISPATCH, county, 2, to=second, assist=extra, note="属地事项，请现场核实处理。" if extra else None)
        if extra:
            self.step(Action.ASSIST_OPINION, self.unit(extra[0]), 6, note="我局已配合开展现场核查，相关情况已反馈主办单位。")
        return second


def seed_demo(session: Session, *, now: datetime, count: int = 360, seed: int = 12345, only_if_empty: bool = True) -> int:
    """Create `count` orders (by default only if the database has none); returns how many were created."""
    if only_if_empty and session.scalar(select(func.count()).select_from(WorkOrder)):
        return 0
    rng = random.Random(seed)
    walker = _Walker(session, rng=rng, now=now)
    category_codes = {t.category: _category_code(session, t.category) for t in TEMPLATES}
    created: list[WorkOrder] = []
    for index in range(count):
        template = rng.choice(TEMPLATES)
        division = rng.choice(list(PLACES))
        place = rng.choice(PLACES[division])
        # More recent days are denser (the open work of today), calls cluster in office hours.
        days_ago = 90 * ((count - index) / count) ** 1.8
        day = now - timedelta(days=days_ago)
        local = day.astimezone(SHANGHAI).replace(hour=rng.choice([8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 21]), minute=rng.randrange(60))
        received = min(local, now - timedelta(minutes=5))
        order = _create(session, walker, template=template, division=division, place=place, received=received, category_codes=category_codes)
        _advance(walker, order, template=template, division=division, created=created)
        created.append(order)
    created.extend(_complete_states(session, walker, created, category_codes=category_codes))
    return len(created)


def _create(session, walker: _Walker, *, template: Template, division: str, place: str, received: datetime, category_codes) -> WorkOrder:
    rng = walker.rng
    text = template.text.format(place=place, community=rng.choice(COMMUNITIES))
    town = walker.tree.town_in(place, division)
    return service.create_order(
        session,
        actor=walker.call_taker,
        now=walker.now,
        content=text,
        request_type=template.request_type,
        channel=rng.choice(["phone"] * 6 + ["web", "wechat", "app", "grid"]),
        caller_name=rng.choice(NAMES),
        caller_phone=_phone(rng) if rng.random() > 0.1 else None,
        division_code=division,
        town_code=town.code if town else None,
        address=summary.find_address(text) or place,
        category_code=category_codes[template.category],
        level=template.level,
        received_at=received,
        triage=_suggestion(session, text, template, division),
        confidential=rng.random() < 0.05,
        reply_wanted=rng.random() > 0.04,
    )


def _reply(walker: _Walker, unit: Actor, duty: str, hours: float, result: str | None = None) -> None:
    rng = walker.rng
    result = result or rng.choices(["resolved", "partly", "explained", "untrue"], weights=[70, 12, 12, 6])[0]
    walker.step(
        Action.REPLY, unit, hours, result=result, note=_reply_text(rng, duty, result), handler=rng.choice(HANDLERS),
        handler_phone="0356" + "".join(rng.choice("0123456789") for _ in range(7)), contacted=rng.random() < 0.9,
    )


def _callback(walker: _Walker, order_id: int) -> WorkOrder:
    """Call the caller back: sometimes nobody answers first; a reached caller rates and says whether it was solved."""
    rng = walker.rng
    order = None
    while True:
        roll = rng.random()
        if roll < 0.12:
            order = walker.step(Action.VISIT, walker.call_taker, 3, outcome="unreachable", note="电话无人接听。")
            if order.status != Status.AWAITING_CALLBACK.value:
                return order
            continue
        if roll < 0.14:
            return walker.step(Action.VISIT, walker.call_taker, 3, outcome="refused", note="来电人不愿接受回访。")
        satisfaction = rng.choices([5, 4, 3, 2, 1], weights=[38, 34, 14, 9, 5])[0]
        resolved = satisfaction >= 3 and rng.random() < 0.92
        return walker.step(Action.VISIT, walker.call_taker, 4, outcome="reached", satisfaction=satisfaction, resolved=resolved,
                           note="来电人对办理结果表示认可。" if resolved else "来电人表示问题没有解决。")


def _advance(walker: _Walker, order: WorkOrder, *, template: Template, division: str, created: list[WorkOrder]) -> None:
    rng = walker.rng
    walker.start(order)
    now = walker.now
    age_days = (now - order.received_at).total_seconds() / 86400
    if template.request_type == "consult" and rng.random() < 0.55:
        walker.step(Action.ANSWER_DIRECTLY, walker.call_taker, 0.1, note="已根据知识库口径当场答复来电人。")
        return
    if rng.random() < 0.03 and created:
        # A repeat call about the same matter, merged into an earlier open order.
        candidates = [o for o in created[-30:] if o.status not in (Status.MERGED.value, Status.CLOSED.value, Status.TRANSFERRED_110.value)]
        if candidates:
            walker.step(Action.MERGE, walker.dispatcher, 0.3, into=rng.choice(candidates).id, note="同一诉求重复来电，并单处理。")
            return
    if age_days < 0.15:
        return  # still waiting for dispatch
    town = order.town_code
    if rng.random() < 0.06:
        # A dispatch the unit sees as not its duty: a 派单异议 the dispatcher upholds and re-routes.
        wrong = rng.choice([u.code for u in walker.tree.reach(None) if u.kind == "bureau" and u.code != template.department])
        walker.step(Action.DISPATCH, walker.dispatcher, 1, to=wrong)
        walker.step(Action.OBJECT, walker.unit(wrong), 4, reason="not_our_duty", note="该事项不属于本单位职责，依据本单位三定方案应由其他部门办理。")
        if age_days < 2:
            return
        first, _ = walker.route(template.department, division, town)
        walker.step(Action.DECIDE_OBJECTION, walker.dispatcher, 2, uphold=True, to=first, note="异议成立，改派。")
        holder = first
        if walker.tree.get(first).kind == "sub_centre":
            _, second = walker.route(template.department, division, town)
            walker.step(Action.DISPATCH, walker.unit(first), 2, to=second or walker.tree.reach(first)[0].code)
            holder = second or walker.tree.reach(first)[0].code
    else:
        holder = walker.dispatch_down(template.department, division, town, assists=rng.random() < 0.15)
    if age_days < 0.6 or rng.random() < 0.04:
        return
    unit = walker.unit(holder)
    walker.step(Action.ACCEPT, unit, 3)
    if rng.random() < 0.25:
        walker.step(Action.NOTE, unit, 8, note=rng.choice(("已联系来电人，约定明日上门核查。", "已到现场查看，正在协调责任单位。", "已向分管领导汇报，正在制定处置方案。")))
    if rng.random() < 0.12:
        walker.step(Action.REMIND, walker.dispatcher, 20, note="请尽快办理。")
    if rng.random() < 0.06:
        walker.step(Action.SUPERVISE, walker.supervisor, 30, note="该诉求群众反映强烈，请加快办理并按时答复。")
    if age_days < 3 and rng.random() < 0.7:
        return
    if rng.random() < 0.12:
        walker.step(Action.REQUEST_EXTENSION, unit, 24, note="需协调多个部门现场核查，申请延期。", days=5)
        if age_days < 8:
            return
        if rng.random() < 0.8:
            walker.step(Action.APPROVE_EXTENSION, walker.supervisor, 4)
        else:
            walker.step(Action.REJECT_EXTENSION, walker.supervisor, 4, note="理由不充分，请按期办结。")
    if rng.random() < 0.03 and template.request_type in ("help", "complaint"):
        walker.step(Action.TRANSFER_110, unit, 6, to="110", note="现场核查发现矛盾激化，涉嫌违法，联动110处置。")
        return
    _reply(walker, unit, template.department, 30)
    if age_days < 5 and rng.random() < 0.4:
        return  # the reply waits for 12345's review
    if rng.random() < 0.08:
        walker.step(Action.REVIEW, walker.call_taker, 4, passed=False, note="答复未说明具体处理结果，请补充后重新答复。")
        _reply(walker, unit, template.department, 20, result="resolved")
    changed = walker.step(Action.REVIEW, walker.call_taker, 4, passed=True)
    if changed.status != Status.AWAITING_CALLBACK.value or (age_days < 6 and rng.random() < 0.5):
        return
    changed = _callback(walker, order.id)
    if changed.status == Status.IN_PROGRESS.value and age_days > 20 and rng.random() < 0.7:
        # 重办: the unit tries again and the second callback is satisfied.
        _reply(walker, unit, template.department, 40, result="resolved")
        walker.step(Action.REVIEW, walker.call_taker, 4, passed=True)
        walker.step(Action.VISIT, walker.call_taker, 10, outcome="reached", satisfaction=4, resolved=True, note="二次回访，来电人满意。")


def _complete_states(session, walker: _Walker, created: list[WorkOrder], *, category_codes) -> list[WorkOrder]:
    """Make sure the demo shows every status at least once, whatever the random walk produced."""
    present = {o.status for o in created}
    rng = walker.rng
    extra: list[WorkOrder] = []
    local_templates = [
        t for t in TEMPLATES
        if t.request_type != "consult" and walker.tree.get(t.department).routing == "county" and walker.tree.get(t.department).dispatchable
    ]
    for status in Status:
        if status.value in present:
            continue
        template = rng.choice(local_templates)
        division = "140525"
        order = _create(session, walker, template=template, division=division, place=rng.choice(PLACES[division]),
                        received=walker.now - timedelta(hours=6), category_codes=category_codes)
        walker.start(order)
        walker.clock = order.received_at
        if status is Status.MERGED:
            walker.step(Action.MERGE, walker.dispatcher, 0.3, into=created[-1].id if created[-1].status != Status.MERGED.value else created[0].id, note="重复来电，并单处理。")
        elif status is Status.TRANSFERRED_110:
            walker.step(Action.TRANSFER_110, walker.call_taker, 0.1, to="110", note="来电人称双方正在厮打，一键转110。")
        elif status is Status.RETURNED:
            walker.step(Action.DISPATCH, walker.dispatcher, 0.5, to=template.department)
            walker.step(Action.RETURN, walker.unit(template.department), 1, note="该事项属于属地管理，请派县（市、区）分中心。")
        elif status is Status.AT_SUB_CENTRE:
            walker.step(Action.DISPATCH, walker.dispatcher, 0.5, to="zz-12345")
        elif status is not Status.RECEIVED:
            holder = walker.dispatch_down(template.department, division, order.town_code, assists=False)
            unit = walker.unit(holder)
            if status is Status.OBJECTED:
                walker.step(Action.OBJECT, unit, 0.5, reason="wrong_area", note="来电地址不在本镇辖区，请核实属地。")
            elif status is not Status.DISPATCHED:
                walker.step(Action.ACCEPT, unit, 0.2)
                if status is Status.EXTENSION_REQUESTED:
                    walker.step(Action.REQUEST_EXTENSION, unit, 0.5, note="需现场核查，申请延期。", days=3)
                elif status in (Status.REPLIED, Status.AWAITING_CALLBACK, Status.CLOSED):
                    _reply(walker, unit, template.department, 0.5, result="resolved")
                    if status is not Status.REPLIED:
                        walker.step(Action.REVIEW, walker.call_taker, 0.2, passed=True)
                    if status is Status.CLOSED:
                        walker.step(Action.VISIT, walker.call_taker, 0.2, outcome="reached", satisfaction=5, resolved=True)
        extra.append(order)
    return extra
