"""Scheduled work each domain declares in its own `tasks.py`; the worker (`liandong worker`) runs them.

A task is a plain function of "now" that opens its own unit of work and returns a small dict of figures for the
log. Registering it here says what it is and how often it is due; how it is scheduled, claimed by one of several
workers and retried is the worker's business, not the domain's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

TaskFunction = Callable[[datetime], dict]


@dataclass(frozen=True)
class ScheduledTask:
    name: str  # dotted, unique: "workorder.deadline_warnings"
    every: timedelta
    run: TaskFunction
    description: str  # Chinese, shown to operators in status pages and logs


_TASKS: dict[str, ScheduledTask] = {}


def scheduled(name: str, *, every: timedelta, description: str) -> Callable[[TaskFunction], TaskFunction]:
    """Declare a function as scheduled work (at import of the domain's tasks module)."""

    def register(function: TaskFunction) -> TaskFunction:
        if name in _TASKS and _TASKS[name].run is not function:
            raise ValueError(f"scheduled task {name!r} is declared twice")
        _TASKS[name] = ScheduledTask(name=name, every=every, run=function, description=description)
        return function

    return register


def registered() -> list[ScheduledTask]:
    return sorted(_TASKS.values(), key=lambda task: task.name)
