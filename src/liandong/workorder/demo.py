"""Realistic demo orders for 晋城市: a few hundred requests over the last 90 days, in every state.

Every order goes through the real service, so the timelines and deadlines are what production would record.
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
from liandong.workorder import service
from liandong.workorder.models import WorkOrder
from liandong.workorder.states import Action, Status

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


def _category_code(session: Session, names: tuple[str, ...]) -> str | None:
    found = catalog.find_category_by_names(session, list(names))
    return found.code if found else None


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def seed_demo(session: Session, *, now: datetime, count: int = 360, seed: int = 12345) -> int:
    """Create `count` orders if the database has none; returns how many were created."""
    if session.scalar(select(func.count()).select_from(WorkOrder)):
        return 0
    rng = random.Random(seed)
    call_taker = Actor("demo-坐席01", Role.CALL_TAKER)
    dispatcher = Actor("demo-派单员", Role.DISPATCHER)
    supervisor = Actor("demo-督查员", Role.SUPERVISOR)
    category_codes = {t.category: _category_code(session, t.category) for t in TEMPLATES}
    departments = [d.code for d in catalog.list_departments(session)]
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
        text = template.text.format(place=place, community=rng.choice(COMMUNITIES))
        order = service.create_order(
            session,
            actor=call_taker,
            now=now,
            content=text,
            request_type=template.request_type,
            channel=rng.choice(["phone"] * 6 + ["web", "wechat", "app", "grid"]),
            caller_name=rng.choice(NAMES),
            caller_phone=_phone(rng) if rng.random() > 0.1 else None,
            division_code=division,
            address=place,
            category_code=category_codes[template.category],
            level=template.level,
            received_at=received,
        )
        _advance(session, order, rng=rng, now=now, template=template, departments=departments, created=created,
                 actors=(call_taker, dispatcher, supervisor))
        created.append(order)
    created.extend(_complete_states(session, created, rng=rng, now=now, actors=(call_taker, dispatcher, supervisor)))
    return len(created)


# How to reach each status from a fresh order, for states chance left empty.
_PATHS: dict[Status, list[tuple[Action, dict]]] = {
    Status.RECEIVED: [],
    Status.DISPATCHED: [(Action.DISPATCH, {})],
    Status.RETURNED: [(Action.DISPATCH, {}), (Action.RETURN, {"note": "该事项不属于本单位职责，请改派。"})],
    Status.IN_PROGRESS: [(Action.DISPATCH, {}), (Action.ACCEPT, {})],
    Status.EXTENSION_REQUESTED: [(Action.DISPATCH, {}), (Action.ACCEPT, {}), (Action.REQUEST_EXTENSION, {"note": "需现场核查，申请延期。"})],
    Status.REPLIED: [(Action.DISPATCH, {}), (Action.ACCEPT, {}), (Action.REPLY, {"note": "已安排人员处理。"})],
    Status.CLOSED: [(Action.DISPATCH, {}), (Action.ACCEPT, {}), (Action.REPLY, {"note": "已处理完毕。"}), (Action.VISIT, {"satisfied": True})],
    Status.MERGED: [(Action.MERGE, {"note": "重复来电，并单处理。"})],
    Status.TRANSFERRED_110: [(Action.TRANSFER_110, {"note": "来电人称双方正在厮打，一键转110。"})],
}


def _complete_states(session, created, *, rng, now, actors) -> list[WorkOrder]:
    """Make sure the demo shows every status at least once, whatever the random walk produced."""
    call_taker, dispatcher, _ = actors
    present = {o.status for o in created}
    extra: list[WorkOrder] = []
    for status, path in _PATHS.items():
        if status.value in present:
            continue
        template = rng.choice([t for t in TEMPLATES if t.request_type != "consult"])
        division = rng.choice(list(PLACES))
        order = service.create_order(
            session,
            actor=call_taker,
            now=now,
            content=template.text.format(place=rng.choice(PLACES[division]), community=rng.choice(COMMUNITIES)),
            request_type=template.request_type,
            division_code=division,
            received_at=now - timedelta(hours=6),
        )
        clock = order.received_at
        unit = Actor(f"demo-{template.department}", Role.UNIT_HANDLER, template.department)
        for action, extra_args in path:
            clock += timedelta(minutes=30)
            kwargs = dict(extra_args)
            if action is Action.DISPATCH:
                kwargs["to"] = template.department
            if action is Action.MERGE:
                kwargs["into"] = created[-1].id if created[-1].status != Status.MERGED else created[0].id
            actor = unit if action in (Action.ACCEPT, Action.RETURN, Action.REQUEST_EXTENSION, Action.REPLY) else dispatcher
            service.act(session, order_id=order.id, action=action, actor=actor, now=now, at=clock, **kwargs)
        extra.append(order)
    return extra


def _advance(session, order, *, rng, now, template, departments, created, actors) -> None:
    """Drive an order as far as its age and chance allow, with plausible gaps between steps."""
    call_taker, dispatcher, supervisor = actors
    unit = Actor(f"demo-{template.department}", Role.UNIT_HANDLER, template.department)
    age_days = (now - order.received_at).total_seconds() / 86400
    clock = order.received_at

    def step(action, actor, hours, **kw):
        nonlocal clock
        clock = min(clock + timedelta(hours=hours * (0.5 + rng.random())), now)
        return service.act(session, order_id=order.id, action=action, actor=actor, now=now, at=clock, **kw)

    if template.request_type == "consult" and rng.random() < 0.55:
        step(Action.ANSWER_DIRECTLY, call_taker, 0.1, note="已根据知识库口径当场答复来电人。")
        return
    roll = rng.random()
    if roll < 0.03 and created:
        # A repeat call about the same matter, merged into an earlier open order.
        candidates = [o for o in created[-30:] if o.status not in (Status.MERGED, Status.CLOSED, Status.TRANSFERRED_110)]
        if candidates:
            step(Action.MERGE, dispatcher, 0.3, into=rng.choice(candidates).id, note="同一诉求重复来电，并单处理。")
            return
    if age_days < 0.15:
        return  # still waiting for dispatch
    if rng.random() < 0.08:
        wrong = rng.choice([d for d in departments if d != template.department])
        step(Action.DISPATCH, dispatcher, 1, to=wrong)
        step(Action.RETURN, Actor(f"demo-{wrong}", Role.UNIT_HANDLER, wrong), 4, note="该事项不属于本单位职责，请改派。")
        if age_days < 2:
            return
    step(Action.DISPATCH, dispatcher, 1, to=template.department)
    if age_days < 0.6 or rng.random() < 0.04:
        return
    step(Action.ACCEPT, unit, 3)
    if rng.random() < 0.12:
        step(Action.REMIND, dispatcher, 20, note="请尽快办理。")
    if rng.random() < 0.06:
        step(Action.SUPERVISE, supervisor, 30, note="该诉求群众反映强烈，请加快办理并按时答复。")
    if age_days < 3 and rng.random() < 0.7:
        return
    if rng.random() < 0.12:
        step(Action.REQUEST_EXTENSION, unit, 24, note="需协调多个部门现场核查，申请延期。", days=5)
        if age_days < 8:
            return
        if rng.random() < 0.8:
            step(Action.APPROVE_EXTENSION, supervisor, 4)
        else:
            step(Action.REJECT_EXTENSION, supervisor, 4, note="理由不充分，请按期办结。")
    if rng.random() < 0.03 and template.level == "一般" and template.request_type in ("help", "complaint"):
        step(Action.TRANSFER_110, unit, 6, note="现场核查发现矛盾激化，涉嫌违法，联动110处置。")
        return
    step(Action.REPLY, unit, 30, note="经核实，已安排工作人员到现场处理，问题已整改，并已电话告知来电人。")
    if age_days < 6 and rng.random() < 0.5:
        return
    satisfied = rng.random() < 0.85
    step(Action.VISIT, call_taker, 20, satisfied=satisfied, note="回访来电人。" if satisfied else "来电人表示问题没有解决。")
    if not satisfied and age_days > 20 and rng.random() < 0.7:
        step(Action.REPLY, unit, 40, note="重新组织人员处理，问题已解决。")
        step(Action.VISIT, call_taker, 10, satisfied=True, note="二次回访，来电人满意。")
