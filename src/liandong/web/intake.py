"""受理: the call-taker's form with the live suggestion panel (triage, knowledge, duplicates, repeat callers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog import service as catalog
from liandong.core.actor import Role
from liandong.core.clock import local
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.core.vocabulary import TRANSFER_TARGETS as TRANSFER_TARGET_TERMS
from liandong.db.deps import ReadSession
from liandong.knowledge import answer as knowledge_answer
from liandong.web import suggest as suggestions
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, flash, require, verify_csrf
from liandong.workorder import nuisance, queries, service, summary, validation
from liandong.workorder.lifecycle import Action

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Taker = Annotated[Operator, Depends(require(Role.CALL_TAKER))]

FIELDS = (
    "caller_phone",
    "caller_name",
    "channel",
    "content",
    "title",
    "request_type",
    "category_code",
    "division_code",
    "town_code",
    "address",
    "department_code",
    "level",
    "transferred_from",
)
TRANSFER_TARGETS = dict(TRANSFER_TARGET_TERMS.choices())


def _choices(session) -> dict:
    categories = catalog.list_categories(session, level=3)
    groups: dict[str, list] = {}
    for category in categories:
        groups.setdefault(category.names[0], []).append(category)
    divisions = catalog.division_choices(session)
    return {
        # The call-taker proposes a first hop: a city unit or a county sub-centre, as the city dispatcher may send.
        "departments": catalog.unit_tree(session).reach(None),
        "divisions": [d for d in divisions if d.level != "town"],
        "towns": [d for d in divisions if d.level == "town"],
        "category_groups": groups,
    }


# The knowledge ranking's scores are unnormalised (BM25-like, growing with the length of the text). Curated
# 一问一答 that fit a consultation score well above this on the demo corpus; gazette and newspaper passages
# are only background, so the panel shows them folded away, never as the answer.
INTAKE_MIN_SCORE = 15.0


def search_knowledge(session, text: str, top: int = 3) -> list[dict]:
    """Published 一问一答 and gazette passages for the text; empty when the knowledge base is not loaded."""
    if len((text or "").strip()) < 2:
        return []
    try:
        from liandong.knowledge import search

        return search.search(session, question=text[:500], today=local(clock_now()).date(), top=top)
    except Exception:  # noqa: BLE001 - intake keeps working without the knowledge base
        return []


def split_answers(results: list[dict]) -> tuple[list[dict], list[dict]]:
    """(一问一答 fit to answer with, background passages) for the intake panel."""
    answers = [r for r in results if r["kind"] == "item" and r["score"] >= INTAKE_MIN_SCORE]
    background = [r for r in results if r["kind"] != "item"][:2]
    return answers, background


def cite_ref(result: dict) -> str:
    if result.get("item_id"):
        return f"kb:item:{result['item_id']}"
    return f"kb:passage:{result.get('passage_id')}"


@router.get("/intake")
def intake_form(request: Request, session: ReadSession, operator: Taker, last: str = ""):
    last_order = None
    if last.isascii() and last.isdigit() and len(last) < 10:
        try:
            last_order = service.get_order(session, int(last), actor=operator.actor)
        except Exception:  # noqa: BLE001 - a stale link just shows no "last order"
            last_order = None
    values = {"channel": "phone", "request_type": "", "level": "一般", "division_code": "", "reply_wanted": True}
    return page(request, "intake/form.html", active="intake", values=values, last_order=last_order, error=None, **_choices(session))


@router.post("/intake/suggest")
def intake_suggest(request: Request, session: ReadSession, operator: Taker, form: Posted):
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    now = clock_now()
    text = values["content"]
    suggestion = (
        suggestions.suggest(session, text, location=values["address"] or None, channel=values["channel"], address=values["address"] or None)
        if len(text) >= 4
        else None
    )
    try:
        phone = validation.normalize_phone(values["caller_phone"]) if values["caller_phone"] else None
    except ValidationFailed:
        phone = None
    division = values["division_code"] or (suggestion.division_code if suggestion else None)
    duplicates = queries.possible_duplicates(session, actor=operator.actor, now=now, phone=phone, division_code=division, text=text)
    history = queries.caller_history(session, phone=phone, actor=operator.actor, now=now) if phone else None
    recent = queries.caller_recent(session, phone=phone, actor=operator.actor, now=now) if phone else []
    suspected = nuisance.active(session, phone, now)
    appendable = {o.id for o in recent if any(a.action is Action.APPEND for a in service.permitted(o, operator.actor, now))}
    knowledge, background = split_answers(search_knowledge(session, text, top=5)) if len(text) >= 4 else ([], [])
    answer = knowledge_answer.intake_answer(session, text, today=local(now).date()) if len(text) >= 4 else None
    return page(
        request,
        "intake/assist.html",
        suggestion=suggestion,
        duplicates=duplicates,
        history=history,
        recent=recent,
        appendable=appendable,
        knowledge=knowledge,
        background=background,
        answer=answer,
        cite_ref=cite_ref,
        targets=TRANSFER_TARGETS,
        phone=phone or "",
        suspected=suspected,
        handling=nuisance.policy_from_settings().handling,
        now=now,
    )


def _with_suggestion(session, values: dict, triage: dict | None) -> dict:
    """An emergency transfer is saved with what triage knew (type, level, category, place), not as an empty consultation."""
    if not triage:
        return values
    filled = dict(values)
    category = catalog.find_category_by_names(session, list(triage.get("category") or []))
    filled["request_type"] = values["request_type"] or triage.get("request_type") or "help"
    filled["category_code"] = values["category_code"] or (category.code if category else "")
    filled["division_code"] = values["division_code"] or triage.get("division_code") or ""
    filled["level"] = values["level"] if values["level"] and values["level"] != "一般" else (triage.get("level") or "一般")
    filled["address"] = values["address"] or summary.find_address(values["content"]) or ""
    return filled


@router.post("/intake")
def intake_submit(request: Request, session: ReadSession, operator: Taker, form: Posted):
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    intent, _, target = str(form.get("intent") or "save").partition(":")
    answer = str(form.get("answer_note") or "").strip()
    ref = str(form.get("ref") or "").strip() or None
    duplicate_of = str(form.get("duplicate_of_id") or "").strip()
    confidential = form.get("confidential") == "1"
    reply_wanted = form.get("reply_wanted", "1") == "1"
    now = clock_now()
    # The suggestion is recomputed here, not taken from the browser: it is the record of what the operator was shown.
    triage = suggestions.run_triage(session, values["content"]) if values["content"] else None
    if intent == "transfer":
        values = _with_suggestion(session, values, triage)

    def receive(db):
        if intent == "transfer" and target not in TRANSFER_TARGETS:
            raise ValidationFailed("转接目标无效", field="transfer_to")
        if intent == "append":
            # 追加: the same caller about an open or just-closed order — no new order, the call goes on its timeline.
            order_id = validation.parse_int(target, field="append", label="原工单")
            order = service.act(db, order_id=order_id, action=Action.APPEND, actor=operator.actor, now=now, note=values["content"] or None)
            return order.id, order.number
        order = service.create_order(
            db,
            actor=operator.actor,
            now=now,
            content=values["content"],
            title=values["title"] or None,
            request_type=values["request_type"] or "consult",
            channel=values["channel"] or "phone",
            caller_name=values["caller_name"] or None,
            caller_phone=values["caller_phone"] or None,
            division_code=values["division_code"] or None,
            town_code=values["town_code"] or None,
            address=values["address"] or None,
            category_code=values["category_code"] or None,
            department_code=values["department_code"] or None,
            level=values["level"] or "一般",
            transferred_from=values["transferred_from"] or None,
            duplicate_of_id=validation.parse_int(duplicate_of, field="duplicate_of_id", label="重复件") if duplicate_of else None,
            triage=triage,
            confidential=confidential,
            reply_wanted=reply_wanted,
        )
        if intent == "answer":
            service.act(db, order_id=order.id, action=Action.ANSWER_DIRECTLY, actor=operator.actor, now=now, note=answer, ref=ref)
        elif intent == "transfer":
            note = f"一键转接{TRANSFER_TARGETS[target]}" + (f"：{answer}" if answer else "")
            service.act(db, order_id=order.id, action=Action.TRANSFER_110, actor=operator.actor, now=now, note=note, to=target)
        return order.id, order.number

    outcome = attempt(request, receive, report=False)
    if not outcome.ok:
        values.update({"answer_note": answer, "ref": ref or "", "duplicate_of_id": duplicate_of, "confidential": confidential, "reply_wanted": reply_wanted})
        return page(
            request,
            "intake/form.html",
            status_code=422,
            active="intake",
            values=values,
            last_order=None,
            error=outcome.error,
            error_field=outcome.field,
            **_choices(session),
        )
    order_id, number = outcome.value
    done = {"save": "已受理", "answer": "已直接答复办结", "transfer": f"已受理并转{target}", "append": "已追加到原工单"}.get(intent, "已受理")
    flash(request, f"{done}：{number}")
    return see_other(f"/intake?last={order_id}")
