"""The definitions' building blocks as SQL over the fact rows, evaluated as of a time (read-only expressions).

A fact counts as of T when its time is at or before T. Every figure is a sum of additive measures (numerators,
denominators, sums and counts, named as in `models.MEASURES`), so the same expressions serve a live scan of the
fact table and the daily rollup, which keeps them summed for orders whose facts have settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, and_, case, cast, func, literal_column, not_, or_

from liandong.core.clock import UTC
from liandong.report.models import MEASURES, OrderFact

F = OrderFact
# Later than any fact: an order evaluated "as of FINAL" counts as it does at every moment after its settled_at.
FINAL = datetime(2200, 1, 1, tzinfo=UTC)


def _by(column, at: datetime):
    return and_(column.is_not(None), column <= at)


def _before(column, at: datetime):
    return and_(column.is_not(None), column < at)


@dataclass(frozen=True)
class AsOf:
    """The building blocks of every definition at one evaluation time."""

    at: datetime

    @property
    def merged(self):
        return _by(F.merged_at, self.at)

    @property
    def invalid(self):
        return and_(_by(F.invalid_at, self.at), not_(self.merged))

    @property
    def withdrawn(self):
        return _by(F.withdrawn_at, self.at)

    @property
    def valid(self):
        return and_(not_(_by(F.merged_at, self.at)), not_(_by(F.invalid_at, self.at)), not_(self.withdrawn))

    @property
    def dispatched(self):
        return and_(self.valid, _by(F.dispatched_at, self.at))

    @property
    def closed(self):
        # Closed now and since before T; or closed once by T and not yet reopened at T.
        return or_(
            _by(F.closed_at, self.at),
            and_(_by(F.first_closed_at, self.at), or_(F.open_again_at.is_(None), F.open_again_at > self.at)),
        )

    @property
    def open(self):
        return not_(or_(_by(F.merged_at, self.at), _by(F.transferred_at, self.at), self.closed))

    @property
    def sign_judged(self):
        return and_(self.dispatched, or_(_by(F.sign_ok_at, self.at), _by(F.sign_late_at, self.at)))

    @property
    def accepted(self):
        return and_(self.valid, _by(F.accepted_at, self.at))

    @property
    def reply_judged(self):
        return and_(self.valid, or_(_by(F.accepted_at, self.at), and_(_before(F.overdue_at, self.at), self.open)))

    @property
    def reached(self):
        return and_(self.valid, _by(F.first_reached_at, self.at))

    @property
    def satisfaction(self):
        return case((_by(F.last_reached_at, self.at), F.last_satisfaction), else_=F.first_satisfaction)

    @property
    def resolved(self):
        return case((_by(F.last_reached_at, self.at), F.last_resolved), else_=F.first_resolved)


# Constants inline, not as parameters: psycopg rewrites every placeholder of a statement on each execution, and a
# statement of two dozen measures has hundreds of them.
ONE, ZERO = literal_column("1"), literal_column("0")


def _count(condition):
    return func.sum(case((condition, ONE), else_=ZERO))


def expressions(at: datetime, only=None) -> dict:
    """Each measure of `MEASURES` as a SQL aggregate over the fact rows as of `at` (restricted to rows meeting `only`)."""
    t = AsOf(at)

    def where(condition):
        return condition if only is None else and_(only, condition)

    pairs = {
        "direct_answer_rate": (and_(t.valid, _by(F.direct_answer_at, at)), t.valid),
        "response_rate": (and_(t.sign_judged, not_(_by(F.sign_late_at, at))), t.sign_judged),
        "on_time_reply_rate": (and_(t.accepted, F.accepted_on_time.is_(True)), t.reply_judged),
        "completion_rate": (and_(t.valid, t.closed), t.valid),
        "callback_rate": (and_(t.valid, _by(F.callback_due_at, at), _by(F.first_reached_at, at)), and_(t.valid, _by(F.callback_due_at, at))),
        "resolution_rate": (and_(t.reached, t.resolved.is_(True)), t.reached),
        "satisfaction_rate": (and_(t.reached, t.satisfaction >= literal_column("3")), t.reached),
        "return_rate": (and_(t.dispatched, _by(F.returned_at, at)), t.dispatched),
        "reopen_rate": (and_(t.valid, _by(F.first_closed_at, at), _by(F.reopened_at, at)), and_(t.valid, _by(F.first_closed_at, at))),
        "extension_rate": (and_(t.dispatched, _by(F.extended_at, at)), t.dispatched),
        "repeat_rate": (_by(F.repeat_at, at), None),
    }
    out = {
        "received": func.count() if only is None else _count(only),
        "merged": _count(where(t.merged)),
        "invalid": _count(where(t.invalid)),
        "withdrawn": _count(where(t.withdrawn)),
        "dispatched": _count(where(t.dispatched)),
    }
    for name, (numerator, denominator) in pairs.items():
        out[f"{name}__n"] = _count(where(numerator))
        if denominator is not None:
            out[f"{name}__d"] = _count(where(denominator))
    handled = and_(t.accepted, F.handling_hours.is_not(None))
    out["satisfaction_score__s"] = func.sum(case((where(t.reached), t.satisfaction), else_=None))
    out["satisfaction_score__c"] = _count(where(and_(t.reached, t.satisfaction.is_not(None))))
    # Thousandths of an hour (the facts keep three decimals), so sums are exact and the rollup adds up to the scan.
    out["avg_handling_hours__s"] = func.sum(case((where(handled), cast(func.round(F.handling_hours * literal_column("1000")), BigInteger)), else_=None))
    out["avg_handling_hours__c"] = _count(where(handled))
    assert tuple(out) == MEASURES, "measures and the rollup's columns must agree"
    return out


def labelled(at: datetime, only=None, prefix: str = "") -> list:
    return [expression.label(prefix + name) for name, expression in expressions(at, only).items()]
