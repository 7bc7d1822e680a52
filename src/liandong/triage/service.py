"""Triage use cases: build the engine from the configured files, reload it, train and evaluate models."""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import logging
import re
import threading
import time
import tomllib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from liandong.config import Settings, settings
from liandong.core.errors import ValidationFailed
from liandong.triage.catalog import TriageCatalog, build_catalog, read_catalog
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


@dataclass(frozen=True)
class TriageSnapshot:
    """Everything an engine is built from, as plain values: the units triage may name (code, name, duties), the
    category paths, the divisions (code, name, level), the transfer list (its TOML-shaped data), the typo table,
    the place-name file and the model file (with their modification stamps). `version` digests all of it: equal
    versions build equal engines, so engines are cached by it."""

    units: tuple[tuple[str, str, str], ...]
    category_paths: tuple[str, ...]  # "城乡建设/物业管理/物业服务", every node of the tree
    divisions: tuple[tuple[str, str, str], ...]
    # The list as stored (TOML text of the file, or the JSON text of the database's edited copy): hashing the text
    # is cheap, parsing it (~35 ms for the packaged file) happens only when an engine is built.
    transfer_list_text: str
    transfer_list_format: str  # "toml" or "json"
    typos: tuple[tuple[str, str], ...]
    places_file: str | None
    model_file: str | None
    city_code: str
    source: str = "files"  # or "database"
    stamps: tuple = ()

    @property
    def version(self) -> str:
        payload = json.dumps(
            [self.units, self.category_paths, self.divisions, self.transfer_list_format, self.typos, self.places_file, self.model_file, self.city_code, self.stamps],
            ensure_ascii=False, default=str,
        )
        digest = hashlib.sha256(payload.encode("utf-8"))
        digest.update(self.transfer_list_text.encode("utf-8"))
        return digest.hexdigest()[:16]

    def transfer_list_data(self) -> dict:
        if self.transfer_list_format == "json":
            return json.loads(self.transfer_list_text)
        try:
            return tomllib.loads(self.transfer_list_text)
        except tomllib.TOMLDecodeError as error:
            raise ValidationFailed(f"分流转办事项清单格式错误：{error}") from None


def _stamp(path: Path | None) -> tuple | None:
    if path is None or not Path(path).exists():
        return None
    info = Path(path).stat()
    return (str(path), info.st_mtime_ns, info.st_size)


def _file_transfer_list_text(config: Settings) -> str:
    path = triage_file(TRANSFER_LIST_FILE, config)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationFailed(f"找不到分流转办事项清单：{path}") from None


def _file_transfer_list(config: Settings) -> dict:
    try:
        return tomllib.loads(_file_transfer_list_text(config))
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(f"分流转办事项清单格式错误：{error}") from None


def _snapshot(config: Settings, *, units, category_paths, divisions, transfer_list: tuple[str, str], with_model: bool, source: str) -> TriageSnapshot:
    places = triage_file(PLACES_FILE, config)
    model = model_path(config) if with_model else None
    return TriageSnapshot(
        units=tuple(units),
        category_paths=tuple(category_paths),
        divisions=tuple(divisions),
        transfer_list_text=transfer_list[0],
        transfer_list_format=transfer_list[1],
        typos=tuple(sorted(load_typos(config).items())),
        places_file=str(places) if places.exists() else None,
        model_file=str(model) if model else None,
        city_code=config.city_code,
        source=source,
        stamps=(_stamp(places), _stamp(model)),
    )


def snapshot_from_files(config: Settings | None = None, *, with_model: bool = True) -> TriageSnapshot:
    """The configured data files (the packaged ones unless config_dir has a city's copy): for a process without a database."""
    config = config or settings()
    catalog = read_catalog(
        departments=config.data_file("departments.csv"), categories=config.data_file("categories.csv"),
        divisions=config.data_file("divisions.csv"), places=None, city_code=config.city_code,
    )
    divisions = [(r["code"], r["name"], r.get("level", "county")) for r in _csv_rows(config.data_file("divisions.csv")) if r.get("code")]
    return _snapshot(
        config,
        units=[(u.code, u.name, u.duties) for u in catalog.units.values()],
        category_paths=sorted("/".join(c) for c in catalog.categories),
        divisions=divisions,
        transfer_list=(_file_transfer_list_text(config), "toml"),
        with_model=with_model,
        source="files",
    )


def snapshot_from_session(session, config: Settings | None = None, *, with_model: bool = True) -> TriageSnapshot:
    """What administrators edit: units (active city units, and the 属地 placeholder), categories, divisions and the
    transfer list from the database; a table the database does not have yet falls back to the data file."""
    from sqlalchemy import Text, cast, select

    from liandong.catalog.models import CatalogSetting, Category, Department, Division

    config = config or settings()
    files: TriageSnapshot | None = None

    def from_files() -> TriageSnapshot:
        nonlocal files
        files = files or snapshot_from_files(config, with_model=with_model)
        return files

    rows = session.execute(
        select(Department.code, Department.name, Department.duties, Department.active, Department.kind)
        .where(Department.level == "city").order_by(Department.code)
    )
    units = [(code, name, duties or "") for code, name, duties, active, kind in rows if active or kind == "placeholder"] or list(from_files().units)
    paths = [path for (path,) in session.execute(select(Category.path).order_by(Category.path))] or list(from_files().category_paths)
    divisions = [tuple(r) for r in session.execute(select(Division.code, Division.name, Division.level).order_by(Division.code))] or list(from_files().divisions)
    # The edited list's stored JSON text: hashed as it is, parsed only when a new engine is built.
    edited = session.execute(select(cast(CatalogSetting.value, Text)).where(CatalogSetting.key == TRANSFER_LIST_KEY)).scalar()
    return _snapshot(
        config, units=units, category_paths=paths, divisions=divisions,
        transfer_list=(edited, "json") if edited is not None else (_file_transfer_list_text(config), "toml"), with_model=with_model, source="database",
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


_ENGINES_KEPT = 4
_engines: "OrderedDict[str, TriageEngine]" = OrderedDict()  # snapshot version -> engine
_models: dict[tuple, object] = {}  # model file stamp -> loaded model


def build_engine_from(snapshot: TriageSnapshot) -> TriageEngine:
    """The one engine builder: every engine (CLI, web intake, demo, evaluation) is made here from a snapshot,
    and kept by the snapshot's version — an edit to the list, a unit's duties or a retrained model is a new version."""
    from liandong.triage.calibration import load_calibration
    from liandong.triage.model import load_model
    from liandong.triage.places import read_places
    from liandong.triage.rules import parse_transfer_list
    from liandong.triage.segment import add_words, warm_up

    version = snapshot.version
    with _lock:
        cached = _engines.get(version)
        if cached is not None:
            _engines.move_to_end(version)
            return cached
    model = None
    if snapshot.model_file:
        stamp = snapshot.stamps[1]
        model = _models.get(stamp)
        if model is None:
            model = load_model(Path(snapshot.model_file))
            with _lock:
                _models.clear()  # one model file is in use at a time
                _models[stamp] = model
    warm_up()
    rules = parse_transfer_list(snapshot.transfer_list_data(), source=snapshot.source)
    add_words(rules.compound_words)
    catalog = build_catalog(
        units=snapshot.units, category_paths=[p.split("/") for p in snapshot.category_paths], divisions=snapshot.divisions,
        places=read_places(Path(snapshot.places_file)) if snapshot.places_file else [], city_code=snapshot.city_code,
    )
    # The calibration was fitted for the packaged model; a city's own model keeps the hand-set map until refitted.
    calibration = load_calibration(CALIBRATION_FILE) if snapshot.model_file == str(DEFAULT_MODEL_FILE) else None
    built = TriageEngine(catalog=catalog, transfer_list=rules, model=model, typos=dict(snapshot.typos), calibration=calibration)
    built.snapshot_version = version
    with _lock:
        _engines[version] = built
        while len(_engines) > _ENGINES_KEPT:
            _engines.popitem(last=False)
    # The model, the dictionaries and the compiled patterns live as long as the process: moved out of the cyclic
    # collector's generations, a request's garbage collections no longer walk them (a small gain, measured by the
    # speed pass; an engine evicted from the cache is then freed by reference counting only).
    gc.collect()
    gc.freeze()
    return built


def build_engine(config: Settings | None = None, *, with_model: bool = True) -> TriageEngine:
    """The engine of the configured data files (evaluation scripts, benchmarks, a process without a database)."""
    return build_engine_from(snapshot_from_files(config, with_model=with_model))


def load_typos(config: Settings | None = None) -> dict[str, str]:
    path = triage_file(TYPOS_FILE, config)
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines)
    return {row["wrong"].strip(): row["right"].strip() for row in rows if row.get("wrong") and row.get("right")}


def engine() -> TriageEngine:
    """The process-wide engine of the data files, built on first use."""
    global _engine
    with _lock:
        current = _engine
    if current is None:
        current = build_engine()
        with _lock:
            _engine = current
    return current


def reload() -> TriageEngine:
    """Forget built engines and loaded models (after a retrain or an edit of the files), and rebuild."""
    global _engine
    with _lock:
        _engines.clear()
        _models.clear()
        _engine = None
    return engine()


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


def stored_transfer_list(session) -> dict | None:
    from liandong.catalog.models import CatalogSetting

    setting = session.get(CatalogSetting, TRANSFER_LIST_KEY)
    return setting.value if setting else None


log = logging.getLogger(__name__)
_by_catalogue: dict[str, tuple[tuple, TriageEngine]] = {}  # database URL -> (catalogue version and file stamps, engine)


def engine_for(session) -> TriageEngine:
    """The engine of what administrators edit in the database (units, categories, divisions, the transfer list).
    Every edit of those tables replaces the catalogue version (catalog.models), so while the version and the data
    files' stamps are unchanged the engine built for them is reused without re-reading the catalogue (~20 ms)."""
    from liandong.catalog.service import catalogue_version

    config = settings()
    version = catalogue_version(session)
    files = tuple(_stamp(path) for path in (triage_file(PLACES_FILE, config), model_path(config), triage_file(TYPOS_FILE, config), triage_file(TRANSFER_LIST_FILE, config)))
    key, url = (version, files, config.city_code, str(config.config_dir)), str(session.get_bind().engine.url)
    found = _by_catalogue.get(url)
    if version is not None and found is not None and found[0] == key:
        return found[1]
    built = build_engine_from(snapshot_from_session(session))
    if version is not None:
        with _lock:
            _by_catalogue[url] = (key, built)
    return built


def suggestion(session, text: str, *, location: str | None = None, channel: str | None = None) -> dict | None:
    """The engine's raw answer (dict), or None when the engine is unavailable: receiving an order never fails on triage."""
    try:
        return engine_for(session).triage(text, location=location, channel=channel).to_dict()
    except Exception:  # noqa: BLE001 - the order is received without a suggestion
        log.exception("triage failed")
        return None


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
    path: Path, *, folds: int, text_fields: list[str] | None, label_field: str | None, baseline: bool = True, group_field: str | None = None,
    dense_blend: float | None = None,
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
    result = cross_validate([t for t, _, _ in triples], [y for _, y, _ in triples], folds=folds, baseline=baseline, groups=groups, dense_blend=dense_blend)
    return {"data": str(path), "text_fields": text_fields, "label_field": label_field, "group_field": group_field, **result}
