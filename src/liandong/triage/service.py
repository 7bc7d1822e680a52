"""Triage use cases: build the engine from the configured files, reload it, train and evaluate models."""

from __future__ import annotations

import csv
import json
import re
import threading
import time
from pathlib import Path
from typing import Iterable

from liandong.config import Settings, settings
from liandong.core.errors import ValidationFailed
from liandong.triage.catalog import TriageCatalog, read_catalog
from liandong.triage.engine import TriageEngine
from liandong.triage.rules import PLATFORMS, REQUEST_TYPES, TransferList, load_transfer_list

DATA_DIR = Path(__file__).resolve().parent / "data"
EXAMPLES_FILE = DATA_DIR / "examples.jsonl"
DEFAULT_MODEL_FILE = DATA_DIR / "model.skops"
TRANSFER_LIST_FILE = "transfer_list.toml"
PLACES_FILE = "places.csv"
TYPOS_FILE = "typos.csv"
CALIBRATION_FILE = DATA_DIR / "calibration.json"
EXAMPLE_FIELDS = ("text", "platform", "request_type", "department", "category")

_lock = threading.Lock()
_engine: TriageEngine | None = None


def triage_file(name: str, config: Settings | None = None) -> Path:
    """A triage data file: the city's copy in config_dir if present, else the packaged one."""
    config = config or settings()
    if config.config_dir is not None:
        candidate = Path(config.config_dir) / name
        if candidate.exists():
            return candidate
    return DATA_DIR / name


def user_model_file(config: Settings | None = None) -> Path:
    return Path((config or settings()).var_dir) / "triage" / "model.skops"


def load_catalog(config: Settings | None = None) -> TriageCatalog:
    config = config or settings()
    return read_catalog(
        departments=config.data_file("departments.csv"),
        categories=config.data_file("categories.csv"),
        divisions=config.data_file("divisions.csv"),
        places=triage_file(PLACES_FILE, config),
        city_code=config.city_code,
    )


def load_rules(config: Settings | None = None) -> TransferList:
    return load_transfer_list(triage_file(TRANSFER_LIST_FILE, config))


def model_path(config: Settings | None = None) -> Path | None:
    """The city's own trained model if there is one, else the packaged default."""
    user = user_model_file(config)
    if user.exists():
        return user
    return DEFAULT_MODEL_FILE if DEFAULT_MODEL_FILE.exists() else None


def build_engine(config: Settings | None = None, *, with_model: bool = True) -> TriageEngine:
    from liandong.triage.model import load_model

    config = config or settings()
    path = model_path(config) if with_model else None
    model = load_model(path) if path else None
    from liandong.triage.calibration import load_calibration
    from liandong.triage.segment import add_words, warm_up

    warm_up()
    rules = load_rules(config)
    add_words(rules.compound_words)
    # The calibration was fitted for the packaged model; a city's own model keeps the hand-set map until refitted.
    calibration = load_calibration(CALIBRATION_FILE) if path == DEFAULT_MODEL_FILE else None
    return TriageEngine(catalog=load_catalog(config), transfer_list=rules, model=model, typos=load_typos(config), calibration=calibration)


def load_typos(config: Settings | None = None) -> dict[str, str]:
    path = triage_file(TYPOS_FILE, config)
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines)
    return {row["wrong"].strip(): row["right"].strip() for row in rows if row.get("wrong") and row.get("right")}


def engine() -> TriageEngine:
    """The process-wide engine, built on first use."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = build_engine()
        return _engine


def reload() -> TriageEngine:
    """Re-read the transfer list, catalogue and model (after an administrator edits them)."""
    global _engine
    fresh = build_engine()
    with _lock:
        _engine = fresh
    return fresh


def triage(text: str, *, title: str | None = None, location: str | None = None, channel: str | None = None) -> dict:
    if text is None or not str(text).strip():
        raise ValidationFailed("诉求内容不能为空")
    return active_engine().triage(str(text), title=title, location=location, channel=channel).to_dict()


# ------------------------------------------------------------------ training


def _clean_example(raw: dict) -> dict:
    text = str(raw.get("text") or "").strip()
    if not text:
        raise ValidationFailed("训练样例缺少 text")
    platform = raw.get("platform") or "12345"
    if platform not in PLATFORMS:
        raise ValidationFailed(f"训练样例的平台无效：{platform}")
    request_type = raw.get("request_type") or None
    if request_type is not None and request_type not in REQUEST_TYPES:
        raise ValidationFailed(f"训练样例的诉求类型无效：{request_type}")
    category = raw.get("category") or []
    if isinstance(category, str):
        category = [c for c in category.replace(">", "/").split("/") if c]
    cleaned = {
        "text": text,
        "platform": platform,
        "request_type": request_type if platform == "12345" else None,
        "department": raw.get("department") or None,
        "category": list(category)[:3],
    }
    if raw.get("corrected"):
        cleaned["corrected"] = True  # an operator changed the suggestion: it counts more in training
    return cleaned


def default_examples() -> list[dict]:
    """The packaged examples plus one short example per duty of each packaged unit (e.g. "供暖温度" → rl)."""
    rows = [json.loads(line) for line in EXAMPLES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    examples = [_clean_example(r) for r in rows]
    departments = Path(__file__).resolve().parents[1] / "catalog" / "data" / "departments.csv"
    with departments.open(encoding="utf-8-sig", newline="") as handle:
        for unit in csv.DictReader(handle):
            if (unit.get("level") or "city") != "city" or unit.get("kind") == "placeholder" and not unit.get("duties"):
                continue  # triage learns city duties; the unit tree sends them down to counties and townships
            for duty in re.split(r"[、，,；;（）()]", unit.get("duties") or ""):
                if len(duty.strip()) >= 2:
                    examples.append(_clean_example({"text": duty.strip(), "department": unit["code"]}))
    return examples


def train_from_examples(
    examples: Iterable[dict],
    *,
    include_defaults: bool = True,
    out: Path | None = None,
    version: str = "",
    source: str = "examples",
    cv_folds: int = 0,
):
    """Train a triage model from dicts {text, platform, request_type, department, category: [l1, l2, l3]}.

    Operator corrections recorded on orders feed this: pass them as examples; the packaged examples are
    added unless include_defaults is False. Returns the model (saved to `out` when given).
    """
    from liandong.triage.model import train_model

    rows = default_examples() if include_defaults else []
    rows.extend(_clean_example(e) for e in examples)
    model = train_model(rows, version=version, source=source, cv_folds=cv_folds)
    if out is not None:
        model.save(Path(out))
    return model


TRANSFER_LIST_KEY = "transfer_list"  # catalog_settings key of the list as administrators edited it
_custom: dict[str, TriageEngine] = {}  # digest → engine built with the edited list


def stored_transfer_list(session) -> dict | None:
    from liandong.catalog.models import CatalogSetting

    setting = session.get(CatalogSetting, TRANSFER_LIST_KEY)
    return setting.value if setting else None


def engine_for(session) -> TriageEngine:
    """The engine with the transfer list administrators edited in the database, else the configured file's."""
    from liandong.triage.rules import parse_transfer_list

    data = stored_transfer_list(session)
    if data is None:
        return engine()
    rules = parse_transfer_list(data, source="catalog_settings")
    with _lock:
        cached = _custom.get(rules.digest)
    if cached is not None:
        return cached
    from liandong.triage.segment import add_words

    add_words(rules.compound_words)
    custom = engine().with_rules(rules)  # same catalogue, model, typos and calibration
    with _lock:
        _custom.clear()
        _custom[rules.digest] = custom
    return custom


def active_engine() -> TriageEngine:
    """For the CLI: the database's edited list when the configured database has one, else the file's."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from liandong.db import unit_of_work

    url = make_url(settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return engine()  # no local database yet: don't create one just to read settings
    try:
        with unit_of_work() as session:
            return engine_for(session)
    except (OperationalError, ProgrammingError):
        return engine()  # no database initialised: the files are the whole configuration


def train_from_orders(*, out: Path | None = None) -> dict:
    """Retrain on the orders whose routing people confirmed (their corrections included) plus the packaged examples.

    The result becomes the city's active model (var/triage/model.skops) unless `out` says otherwise.
    """
    from liandong.db import unit_of_work
    from liandong.workorder.queries import training_examples

    with unit_of_work() as session:
        examples = [e for e in training_examples(session) if e["text"].strip()]
        suggested = _suggestions(session)
    if not examples:
        raise ValidationFailed("数据库中还没有经人工派单确认的工单，无法训练")
    # An operator's correction is the confirmed routing differing from the suggestion shown at intake.
    corrections = 0
    for example in examples:
        shown = suggested.get(example["text"])
        if shown and (shown.get("department") != example.get("department") or (example.get("request_type") and shown.get("request_type") != example.get("request_type"))):
            example["corrected"] = True
            corrections += 1
    target = Path(out) if out else user_model_file()
    model = train_from_examples(examples, out=target, version="orders-" + time.strftime("%Y%m%d"), source="orders")
    reload()
    return {"saved": str(target), "orders": len(examples), "corrections": corrections, **{k: model.meta[k] for k in ("version", "data_hash", "examples")}}


def _suggestions(session) -> dict[str, dict]:
    """The triage suggestion kept on each order, by the order's training text (title。content)."""
    from sqlalchemy import select

    from liandong.workorder.models import WorkOrder

    rows = session.execute(select(WorkOrder.title, WorkOrder.content, WorkOrder.triage).where(WorkOrder.triage.is_not(None)))
    return {f"{title}。{content}": triage for title, content, triage in rows if isinstance(triage, dict)}


def build_packaged_word_list() -> Path:
    """The compact segmentation dictionary: the words of the examples, the 12345 items' keywords, the list's compound
    words, and every jieba word that contains an alarm word — but not the alarm words themselves, so that
    "有没有意识" stays "有没有/意识" and the rules can tell it from "没有意识"."""
    from liandong.triage.segment import build_word_list

    rules = load_transfer_list(DATA_DIR / TRANSFER_LIST_FILE)
    alarm = [w for item in rules.items if item.is_emergency or item.platform in ("110", "119", "120") for w in item.keywords]
    domain_words = [w for item in rules.items if not (item.is_emergency or item.platform in ("110", "119", "120")) for w in item.keywords]
    return build_word_list([e["text"] for e in default_examples()], domain_words + list(rules.compound_words), keep_containing=alarm)


def build_default_model(out: Path = DEFAULT_MODEL_FILE):
    """Rebuild the packaged word list and default model from the packaged examples (run after editing examples.jsonl)."""
    build_packaged_word_list()
    return train_from_examples([], include_defaults=True, out=out, version="default-" + time.strftime("%Y%m%d"), source="package examples", cv_folds=3)


def default_examples_hash() -> str:
    from liandong.triage.model import data_hash

    return data_hash(default_examples())


def train_from_file(path: Path, *, text_fields: list[str] | None, label_field: str | None, out: Path | None) -> dict:
    """`liandong model train`: rows with a text and any of platform/request_type/department/category, or one --label-field."""
    from liandong.triage.model import HEADS, join_fields, pick_fields, read_dataset, train_model

    rows = read_dataset(path)
    if not rows:
        raise ValidationFailed("数据文件为空")
    text_fields, label_field = pick_fields(rows, text_fields, label_field)
    if label_field is not None and label_field not in HEADS:
        head = "label"
        prepared = [{"text": join_fields(r, text_fields), head: r.get(label_field)} for r in rows]
        heads = [head]
    else:
        heads = [label_field] if label_field else [h for h in HEADS if h in rows[0]]
        prepared = [{"text": join_fields(r, text_fields), **{h: r.get(h) for h in heads}} for r in rows]
    if not heads:
        raise ValidationFailed("请用 --label-field 指定标签列")
    model = train_model(prepared, heads=heads, source=str(path), cv_folds=3)
    target = Path(out) if out else user_model_file()
    model.save(target)
    return {"saved": str(target), **{k: model.meta[k] for k in ("version", "data_hash", "examples", "heads", "train_seconds", "metrics")}}


def evaluate_file(
    path: Path, *, folds: int, text_fields: list[str] | None, label_field: str | None, baseline: bool = True, group_field: str | None = None
) -> dict:
    from liandong.triage.model import cross_validate, join_fields, pick_fields, read_dataset

    rows = read_dataset(path)
    if not rows:
        raise ValidationFailed("数据文件为空")
    text_fields, label_field = pick_fields(rows, text_fields, label_field)
    if label_field is None:
        raise ValidationFailed("请用 --label-field 指定标签列")
    if group_field is not None and group_field not in rows[0]:
        raise ValidationFailed(f"数据中没有分组列：{group_field}（现有列：{', '.join(rows[0].keys())}）")
    triples = [(join_fields(r, text_fields), str(r.get(label_field) or "").strip(), str(r.get(group_field) or i) if group_field else None) for i, r in enumerate(rows)]
    triples = [(t, y, g) for t, y, g in triples if t.strip() and y]
    groups = [g for _, _, g in triples] if group_field else None
    result = cross_validate([t for t, _, _ in triples], [y for _, y, _ in triples], folds=folds, baseline=baseline, groups=groups)
    return {"data": str(path), "text_fields": text_fields, "label_field": label_field, "group_field": group_field, **result}
