"""Prepare the demo: migrate the configured database, load the catalogue, demo orders, accounts and knowledge once."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.db.migrate import upgrade

log = logging.getLogger(__name__)

# 一问一答 for common consultations in the demo orders, so a call-taker can answer on the spot and cite them.
DEMO_ITEMS = (
    ("gaj", "身份证丢失了怎么补办？", "居民身份证丢失可到户籍所在地或现居住地公安机关户政窗口申请补领，携带户口簿（或本人居住证明材料），现场采集人像和指纹。补领一般在规定工作日内办结，可选择邮寄或窗口领取。跨省异地补领同样受理。如需乘车等临时使用，可同时申请临时身份证。", ["身份证", "补办", "户籍"]),
    ("gaj", "新生儿上户口需要哪些材料？", "新生儿应在出生后一个月内到户籍所在地派出所申报出生登记。一般需要：出生医学证明、父母双方户口簿和居民身份证、父母结婚证（非婚生育的按规定提供相关材料）。父母户口不在一起的，可随父或随母一方申报。", ["户口", "新生儿", "出生登记"]),
    ("rsj", "社保卡丢了怎么补办？", "社会保障卡丢失后，先通过电话、手机 App 或经办网点办理挂失，再持本人有效身份证件到社保卡服务网点或合作银行网点申请补卡。即时制卡网点可当场领取；其他网点按通知领取。", ["社保卡", "补办", "挂失"]),
    ("ybj", "异地就医备案怎么办理？", "参保人员可通过国家医保服务平台 App、当地医保经办窗口或线上政务服务平台办理异地就医备案，选择就医地和备案类型（异地长期居住、临时外出就医等）。备案成功后在就医地定点医疗机构可直接结算，报销比例按本市政策执行。", ["异地就医", "医保", "备案"]),
    ("gjj", "租房可以提取住房公积金吗？", "职工本人及配偶在本市无自有住房且租赁住房的，可申请提取住房公积金支付房租。可通过公积金中心网上服务大厅、手机 App 或柜台办理，按规定额度定期提取，具体额度以公积金中心公布的标准为准。", ["公积金", "租房提取"]),
    ("zjj", "老旧小区加装电梯需要什么手续？", "加装电梯须经本单元业主依法表决同意，由业主推选的实施主体编制方案、办理规划和施工手续，委托有资质的单位设计、施工和安装，竣工后经特种设备监督检验合格方可使用。符合条件的可申请财政补贴，详情可咨询所在区县住建部门。", ["加装电梯", "老旧小区"]),
)


def _bulk_history(*, orders: int, months: float, at, progress=None) -> int:
    """Months of history through the real rules, written in bulk (see report.synthetic); only into an empty database."""
    from liandong.db import get_engine, session_factory
    from liandong.report.synthetic import generate
    from liandong.workorder.models import WorkOrder

    with unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(WorkOrder)):
            return 0
    return generate(session_factory(get_engine()), count=orders, months=months, now=at, progress=progress)["orders"]


def _seed_knowledge(session, *, at) -> int:
    """Ingest the packaged corpus and publish the demo 一问一答 once."""
    from liandong.core.actor import SYSTEM
    from liandong.knowledge import items
    from liandong.knowledge.ingest import ingest_demo_corpus
    from liandong.knowledge.models import Item
    from liandong.knowledge.states import ItemAction

    ingest_demo_corpus(session, now=at)
    if session.scalar(select(func.count()).select_from(Item)):
        return 0
    for department, question, answer, tags in DEMO_ITEMS:
        item = items.create_item(session, actor=SYSTEM, now=at, question=question, answer=answer, department_code=department, tags=tags)
        for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
            items.transition(session, actor=SYSTEM, now=at, item_id=item.id, action=action)
    return len(DEMO_ITEMS)


# Above this many orders (or with a span in months) history is generated in bulk by the pure-rule simulator.
BULK_FROM = 2000


def prepare_demo(*, orders: int = 360, months: float | None = None, progress=None) -> dict:
    from liandong.account.demo import seed_demo_accounts
    from liandong.workorder.demo import seed_demo
    from liandong.workorder.models import WorkOrder

    upgrade()
    at = now()
    if months is not None or orders > BULK_FROM:
        created = _bulk_history(orders=orders, months=months or 3, at=at, progress=progress)
    else:
        with unit_of_work() as session:
            created = seed_demo(session, now=at, count=orders)
    with unit_of_work() as session:
        accounts = seed_demo_accounts(session, now=at)
    with unit_of_work() as session:
        knowledge = _seed_knowledge(session, at=at)
    with unit_of_work() as session:
        from liandong.report.rollup import refresh, roll

        refresh(session, now=at)  # the report facts of the demo orders, so the first dashboard does not wait for them
        roll(session, now=at)  # and the daily rollup of those already settled, as the worker would
    with unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(WorkOrder))
    return {"orders_created": created, "orders_total": total, "accounts_created": accounts, "knowledge_items_created": knowledge}
