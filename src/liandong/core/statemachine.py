"""The shape every lifecycle in Liandong takes: one table of rules, and the three questions asked of it.

Pure. A rule says: from these statuses, these grants (a role, limited to a scope such as "the unit holding the
order"), these guards on the thing, this target (a status or a pure decision on the inputs), and the fields its
form needs. `permitted` lists what an actor may do now; `authorize` refuses by state, then role and scope, then
guards; `decide` checks one request's inputs against the same rule and says where the thing goes. Work orders
(`workorder/lifecycle.py`) and 一问一答 items (`knowledge/states.py`) are tables of this shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from liandong.core.actor import CENTRE_WIDE, ROLE_LABELS, Actor, Role
from liandong.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from liandong.core.vocabulary import Vocabulary

Facts = Any  # a frozen dataclass with a `status` attribute; each lifecycle has its own
Scope = Callable[[Facts, Actor], bool]


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str = "any"


@dataclass(frozen=True)
class Field:
    """One input of an action's form; pages render it, `decide` enforces it."""

    name: str
    label: str
    kind: str  # text | textarea | choice | units | number | yesno | order | datetime
    required: bool = False
    choices: Vocabulary | None = None
    hint: str = ""
    many: bool = False

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
            "many": self.many,
            "hint": self.hint,
            "choices": self.choices.choices() if self.choices else None,
        }


@dataclass(frozen=True)
class Guard:
    holds: Callable[[Facts], bool]
    message: str


Target = StrEnum | Callable[[Facts, Mapping], StrEnum] | None  # None: the status stays


@dataclass(frozen=True)
class Rule:
    action: StrEnum
    sources: frozenset
    target: Target
    grants: tuple[Grant, ...]
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    danger: bool = False
    exclusive: bool = False  # only the granted roles, not even administrators (a peer platform's answers)

    @property
    def one_click(self) -> bool:
        """Nothing to fill in: lists may offer it as a single button."""
        return not any(f.required for f in self.fields)


def rule(action, sources, target, grants, fields=(), guards=(), **kw) -> Rule:
    return Rule(action, frozenset(sources), target, tuple(grants), tuple(fields), tuple(guards), **kw)


@dataclass(frozen=True)
class Allowed:
    action: StrEnum
    label: str
    fields: tuple[Field, ...]
    one_click: bool = False
    danger: bool = False

    def to_dict(self) -> dict:
        return {"action": self.action.value, "label": self.label, "one_click": self.one_click, "fields": [f.to_dict() for f in self.fields]}


@dataclass(frozen=True)
class Decision:
    action: StrEnum
    source: StrEnum
    target: StrEnum
    rule: Rule
    inputs: Mapping = field(default_factory=dict)


def missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple, set, frozenset)) and not value)


class Machine:
    """A lifecycle table and the questions asked of it."""

    def __init__(
        self,
        *,
        noun: str,  # what the table is about, in Chinese ("工单", "知识条目")
        actions: type[StrEnum],
        rules: Iterable[Rule],
        status_labels: Mapping,
        action_labels: Mapping,
        scopes: Mapping[str, tuple[Scope, str]],
        validate: Callable[[StrEnum, Facts, Mapping], None] | None = None,
    ):
        self.noun = noun
        self.actions = actions
        self.rules = tuple(rules)
        self.status_labels = status_labels
        self.action_labels = action_labels
        self.scopes = {"any": (lambda facts, actor: True, ""), **scopes}
        self._validate = validate
        self.by_action: dict = {}
        for r in self.rules:
            self.by_action[r.action] = (*self.by_action.get(r.action, ()), r)
        # Per source status, the actions in the table's order, each with its rules from that status: `permitted` runs
        # for every order an answer or a page shows, and need not walk every action to find the few that apply.
        self._from: dict = {}
        for action in self.actions:
            rules_ = self.by_action.get(action, ())
            for source in dict.fromkeys(s for r in rules_ for s in r.sources):
                self._from.setdefault(source, []).append((action, tuple(r for r in rules_ if source in r.sources)))

    def admits(self, rule_: Rule, facts: Facts, actor: Actor) -> bool:
        if actor.role in CENTRE_WIDE and not rule_.exclusive:
            return True
        return any(g.role is actor.role and self.scopes[g.scope][0](facts, actor) for g in rule_.grants)

    def matching(self, facts: Facts, action) -> list[Rule]:
        return [r for r in self.by_action.get(action, ()) if facts.status in r.sources]

    def permitted(self, facts: Facts, actor: Actor) -> list[Allowed]:
        """Every action this actor may take now, each with the fields its form needs."""
        allowed: list[Allowed] = []
        for action, rules_ in self._from.get(facts.status, ()):
            for r in rules_:
                if self.admits(r, facts, actor) and all(g.holds(facts) for g in r.guards):
                    allowed.append(Allowed(action, self.action_labels[action], r.fields, r.one_click, r.danger))
                    break
        return allowed

    def sources_of(self, status) -> list:
        """Actions some role may take from a status (for the documentation)."""
        return [a for a in self.actions if any(status in r.sources for r in self.by_action.get(a, ()))]

    def authorize(self, facts: Facts, actor: Actor, action) -> Rule:
        """The rule that lets this actor take this action now, or the refusal (state first, then role and scope, then guards)."""
        label = self.action_labels[action]
        rules = self.matching(facts, action)
        if not rules:
            allowed = "、".join(a.label for a in self.permitted(facts, actor)) or "无"
            raise InvalidTransition(f"{self.noun}当前状态为「{self.status_labels[facts.status]}」，不能执行「{label}」。您当前可执行：{allowed}")
        found = next((r for r in rules if self.admits(r, facts, actor)), None)
        if found is None:
            by_role = [g for r in rules for g in r.grants if g.role is actor.role]
            if by_role and self.scopes[by_role[0].scope][1]:
                raise PermissionDenied(self.scopes[by_role[0].scope][1])
            raise PermissionDenied(f"{ROLE_LABELS[actor.role]}无权执行「{label}」")
        for guard in found.guards:
            if not guard.holds(facts):
                raise InvalidTransition(guard.message)
        return found

    def decide(self, facts: Facts, actor: Actor, action, inputs: Mapping) -> Decision:
        """Check one request against the table; return where it goes, or raise with a message a person can act on."""
        label = self.action_labels[action]
        found = self.authorize(facts, actor, action)
        for spec in found.fields:
            value = inputs.get(spec.name)
            if spec.required and missing(value):
                raise ValidationFailed(f"「{label}」需要填写{spec.label}", field=spec.name)
            if spec.choices is not None and not missing(value):
                spec.choices.require(str(value), field=spec.name)
        if self._validate is not None:
            self._validate(action, facts, inputs)
        target = found.target
        if target is None:
            to_status = facts.status
        elif isinstance(target, StrEnum):
            to_status = target
        else:
            to_status = target(facts, inputs)
        return Decision(action, facts.status, to_status, found, dict(inputs))
