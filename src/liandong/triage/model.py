"""The triage model: one shared vectorizer and a classifier per target, stored with skops; dataset reading and K-fold evaluation."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from liandong.core import textfile
from liandong.core.errors import ValidationFailed
from liandong.triage.features import FIELD_SEP, MODEL_DESCRIPTION, WORDS_FILE, SvmNb, baseline_pipeline, build_vectorizer, strong_pipeline

FORMAT_VERSION = 1
HEADS = ("platform", "request_type", "department", "category")
# How much more an operator's correction counts than a row the suggestion got right.
CORRECTION_WEIGHT = 3.0
# skops refuses types it has not been told to trust; we trust our own code and the scientific stack only.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "liandong.triage.features.", "liandong.triage.segment.", "liandong.triage.dense.", "builtins.")

TEXT_FIELD_CANDIDATES = ("text", "content", "诉求内容", "留言详情", "内容", "body", "message")
LABEL_FIELD_CANDIDATES = ("label", "category", "一级标签", "一级分类", "分类", "类别", "department", "platform")


@dataclass
class TriageModel:
    vectorizer: object
    heads: dict[str, SvmNb]
    meta: dict = field(default_factory=dict)
    # The dense unit head (liandong.triage.dense), blended into the department head; None in models trained before it.
    dense: object | None = None

    def predict_proba(self, texts: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each head: (classes, probability matrix) for a batch of texts."""
        X = self.transform(texts)
        fused = self.__dict__.get("_fused")
        if fused is None:
            fused = self.__dict__["_fused"] = self._fuse()
        if not fused:
            out = {name: (head.classes_, head.predict_proba(X)) for name, head in self.heads.items()}
        else:
            # Every head's SVM and NB weights side by side: one sparse × dense product for the batch instead of
            # eight sparse × sparse ones; the sums are accumulated in the same order, so the numbers are the same.
            weights, slices = fused
            Y = X @ weights
            out = {name: (self.heads[name].classes_, self.heads[name].from_scores(Y[:, a:b], Y[:, b:c])) for name, (a, b, c) in slices.items()}
        if self.dense is not None and "department" in out:
            classes, lexical = out["department"]
            out["department"] = (classes, self.dense.blend(classes, lexical, texts))
        return out

    def _fuse(self):
        """(stacked weights, {head: (svm start, nb start, end)}) when every head can score from dense weights, else ()."""
        parts, slices, at = [], {}, 0
        for name, head in self.heads.items():
            dense = head.dense_weights() if hasattr(head, "dense_weights") else None
            if dense is None:
                return ()
            svm, nb = dense
            slices[name] = (at, at + svm.shape[1], at + svm.shape[1] + nb.shape[1])
            at = slices[name][2]
            parts += [svm, nb]
        return (np.ascontiguousarray(np.hstack(parts)), slices) if parts else ()

    def transform(self, texts: list[str]):
        """The FeatureUnion's output without its joblib round trip (milliseconds per single request)."""
        from scipy import sparse

        if len(texts) == 1:
            row = self._single_row(texts[0])
            if row is not None:
                return row
        blocks = [transformer.transform(texts) for _, transformer in self.vectorizer.transformer_list]
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _single_row(self, text: str):
        """One text's features as `transform` gives them, its blocks joined side by side as `sparse.hstack` does,
        built as one CSR matrix (a single request's triage spent half its time building and stacking matrices)."""
        from scipy import sparse

        indices, data, offset = [], [], 0
        for _, transformer in self.vectorizer.transformer_list:
            row = transformer.row(text) if hasattr(transformer, "row") else None
            if row is None:
                return None
            indices.append(row[0].astype(np.int64) + offset)
            data.append(row[1])
            offset += len(transformer.vocabulary_)
        columns = np.concatenate(indices)
        index_dtype = np.int32 if offset <= np.iinfo(np.int32).max else np.int64
        return sparse.csr_matrix((np.concatenate(data), columns.astype(index_dtype), np.array([0, len(columns)], dtype=index_dtype)), shape=(1, offset))

    def save(self, path: Path) -> Path:
        import skops.io as sio

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        import zipfile

        data = {"meta": self.meta, "vectorizer": self.vectorizer, "heads": self.heads}
        if self.dense is not None:
            data["dense"] = self.dense
        sio.dump(data, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        return path


def load_model(path: Path) -> TriageModel:
    import skops.io as sio

    path = Path(path)
    if not path.exists():
        raise ValidationFailed(f"找不到模型文件：{path}")
    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if refused:
        raise ValidationFailed(f"模型文件包含不受信任的类型，拒绝加载：{', '.join(refused[:5])}")
    data = sio.load(path, trusted=untrusted)
    meta = data.get("meta", {})
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValidationFailed(f"模型文件版本不兼容：{meta.get('format_version')}（需要 {FORMAT_VERSION}）")
    return TriageModel(vectorizer=data["vectorizer"], heads=data["heads"], meta=meta, dense=data.get("dense"))


def data_hash(rows: Iterable[dict]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _label(row: dict, head: str) -> str | None:
    value = row.get(head)
    if head == "category":
        if isinstance(value, (list, tuple)):
            value = "/".join(v for v in value if v)
    if value in (None, "", []):
        return None
    return str(value)


def train_model(
    rows: list[dict], *, heads: Iterable[str] = HEADS, version: str = "", source: str = "", min_df: int = 2, cv_folds: int = 0,
    dense: bool = False, dense_blend: float | None = None,
) -> TriageModel:
    """Fit the shared vectorizer on every text and each head on the rows that carry its label; with `dense`, the dense
    unit head too, its blend weight chosen out of fold (5 folds) unless `dense_blend` gives it."""
    rows = [r for r in rows if str(r.get("text", "")).strip()]
    if not rows:
        raise ValidationFailed("训练数据为空")
    started = time.perf_counter()
    texts = [str(r["text"]) for r in rows]
    fields = max(str(t).count(FIELD_SEP) + 1 for t in texts)
    vectorizer = build_vectorizer(fields=fields, min_df=min_df, max_features=None)
    X = vectorizer.fit_transform(texts)
    # Operators' corrections (rows marked "corrected") and rows with an explicit weight count more.
    weights = np.asarray([float(r.get("weight") or (CORRECTION_WEIGHT if r.get("corrected") else 1.0)) for r in rows])
    fitted: dict[str, SvmNb] = {}
    dense_head, dense_meta = None, None
    metrics: dict[str, dict] = {}
    counts: dict[str, dict[str, int]] = {}
    for head in heads:
        idx = [i for i, r in enumerate(rows) if _label(r, head) is not None]
        labels = [_label(rows[i], head) for i in idx]
        if len(set(labels)) < 2:
            continue
        fitted[head] = SvmNb().fit(X[idx], labels, sample_weight=weights[idx]).compact()
        if head == "department" and dense:
            dense_head, dense_meta = _fit_dense([texts[i] for i in idx], labels, vectorizer, weights[idx], min_df=min_df, blend=dense_blend)
        if cv_folds >= 2:
            try:
                cv = cross_validate([texts[i] for i in idx], labels, folds=cv_folds, baseline=False)
                metrics[head] = {"folds": cv_folds, "accuracy": cv["accuracy"], "macro_f1": cv["macro_f1"], "n": cv["n"]}
            except ValidationFailed:
                pass
        counts[head] = {str(k): int(v) for k, v in zip(*np.unique(labels, return_counts=True))}
    if not fitted:
        raise ValidationFailed("训练数据中没有可用的标签（至少需要两个不同的类别）")
    import sklearn

    pairs: dict[str, set[str]] = {}
    for r in rows:
        cat, dept = _label(r, "category"), _label(r, "department")
        if cat and dept:
            pairs.setdefault(cat, set()).add(dept)
    meta = {
        "format_version": FORMAT_VERSION,
        "version": version or time.strftime("%Y%m%d%H%M%S"),
        "data_hash": data_hash(rows),
        "examples": len(rows),
        "fields": fields,
        "heads": sorted(fitted),
        "label_counts": counts,
        "source": source,
        "sklearn": sklearn.__version__,
        "train_seconds": round(time.perf_counter() - started, 2),
        "metrics": metrics,
        "dense": dense_meta,
        "category_departments": {k: sorted(v) for k, v in sorted(pairs.items())},
        "dictionary_hash": hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest() if WORDS_FILE.exists() else None,
    }
    return TriageModel(vectorizer=vectorizer, heads=fitted, meta=meta, dense=dense_head)


def _fit_dense(texts: list[str], labels: list[str], vectorizer, weights, *, min_df: int, blend: float | None):
    """The dense unit head on the department rows, and what to record of it; (None, None) when the blend is 0."""
    from liandong.triage.dense import DenseUnitHead, choose_blend, word_idf

    chosen = None
    if blend is None:
        try:
            chosen = choose_blend(texts, labels, sample_weight=weights, min_df=min_df)
        except ValueError:
            return None, None  # too few rows per unit for the folds
        blend = chosen["blend"]
    if blend <= 0.0:
        return None, {"blend": 0.0, "out_of_fold": chosen}
    terms, idf = word_idf(vectorizer)
    head = DenseUnitHead().fit(texts, labels, idf_terms=terms, idf_values=idf, sample_weight=weights)
    head.blend_ = float(blend)
    return head, {"blend": float(blend), "out_of_fold": chosen, "table": head.table_digest_}


# ------------------------------------------------------------------ datasets


def read_dataset(path: Path) -> list[dict]:
    """Rows of a CSV (UTF-8 or GBK), XLSX (first sheet, header row) or JSONL file, as dicts of strings."""
    path = Path(path)
    if not path.exists():
        raise ValidationFailed(f"找不到数据文件：{path}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise ValidationFailed(f"第 {n} 行不是合法的 JSON") from None
        return rows
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, [])]
        rows = [{h: ("" if v is None else str(v)) for h, v in zip(header, values) if h} for values in it]
        book.close()
        return [r for r in rows if any(v.strip() for v in r.values())]
    if suffix in (".csv", ".tsv", ".txt"):
        text = textfile.decode(path.read_bytes(), name=path.name)
        dialect = csv.excel_tab if suffix == ".tsv" or ("\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0]) else csv.excel
        return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in csv.DictReader(io.StringIO(text), dialect=dialect)]
    raise ValidationFailed(f"不支持的数据文件格式：{suffix}（支持 CSV、XLSX、JSONL）")


def pick_fields(rows: list[dict], text_fields: list[str] | None, label_field: str | None) -> tuple[list[str], str | None]:
    columns = list(rows[0].keys()) if rows else []
    if text_fields:
        missing = [f for f in text_fields if f not in columns]
        if missing:
            raise ValidationFailed(f"数据中没有文本列：{', '.join(missing)}（现有列：{', '.join(columns)}）")
    else:
        found = next((c for c in TEXT_FIELD_CANDIDATES if c in columns), None)
        if found is None:
            raise ValidationFailed(f"请用 --text-field 指定文本列（现有列：{', '.join(columns)}）")
        text_fields = [found]
    if label_field and label_field not in columns:
        raise ValidationFailed(f"数据中没有标签列：{label_field}（现有列：{', '.join(columns)}）")
    if label_field is None:
        label_field = next((c for c in LABEL_FIELD_CANDIDATES if c in columns and c not in text_fields), None)
    return text_fields, label_field


def join_fields(row: dict, text_fields: list[str]) -> str:
    return FIELD_SEP.join(str(row.get(f) or "").strip() for f in text_fields)


# ------------------------------------------------------------------ evaluation


def _report(y_true: list[str], y_pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = sorted(set(y_true))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {
            label: {"precision": round(float(pi), 4), "recall": round(float(ri), 4), "f1": round(float(fi), 4), "support": int(si)}
            for label, pi, ri, fi, si in zip(labels, p, r, f, s)
        },
    }


def cross_validate(
    texts: list[str], labels: list[str], *, folds: int = 5, seed: int = 0, baseline: bool = True, groups: list[str] | None = None,
    dense_blend: float | None = None,
) -> dict:
    """Stratified K-fold: each fold's model is fitted on the other folds only. Returns our figures, the baseline's next to them.

    With `dense_blend` (0–1) the same folds also score our model blended with the dense head
    (`liandong.triage.dense`, fitted on the fold's training part with its vectorizer's idf) at that weight.

    With `groups` (e.g. the variants of one phrasing, messages built on one paragraph, repeat complaints of one
    caller) the folds are stratified *and* grouped, so no group is on both sides of a split.
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if folds < 2:
        raise ValidationFailed("折数至少为 2")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    dropped = sorted(label for label, n in counts.items() if n < folds)
    keep = [i for i, label in enumerate(labels) if label not in dropped]
    texts = [texts[i] for i in keep]
    labels = [labels[i] for i in keep]
    group_values = [str(groups[i]) for i in keep] if groups is not None else None
    if len(set(labels)) < 2:
        raise ValidationFailed(f"可评估的类别不足两个（每类至少需要 {folds} 条）")
    if group_values is not None and len(set(group_values)) < folds:
        raise ValidationFailed(f"分组数少于折数（{len(set(group_values))} < {folds}）")
    fields = max(t.count(FIELD_SEP) + 1 for t in texts)
    y = np.asarray(labels)
    if group_values is not None:
        splits = list(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y, group_values))
    else:
        splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    ours = np.empty(len(y), dtype=object)
    base = np.empty(len(y), dtype=object)
    fold_f1: list[float] = []
    base_f1: list[float] = []
    started = time.perf_counter()
    seconds = {"model": 0.0, "baseline": 0.0}
    with_dense = np.empty(len(y), dtype=object)
    dense_f1: list[float] = []
    if dense_blend is not None:
        seconds["dense"] = 0.0
    for train_idx, test_idx in splits:
        train_texts = [texts[i] for i in train_idx]
        test_texts = [texts[i] for i in test_idx]
        t0 = time.perf_counter()
        model = strong_pipeline(fields=fields).fit(train_texts, y[train_idx])
        ours[test_idx] = model.predict(test_texts)
        seconds["model"] += time.perf_counter() - t0
        fold_f1.append(float(f1_score(y[test_idx], ours[test_idx], average="macro", zero_division=0)))
        if dense_blend is not None:
            from liandong.triage.dense import DenseUnitHead, word_idf

            t1 = time.perf_counter()
            terms, idf = word_idf(model.named_steps["features"])
            head = DenseUnitHead().fit(train_texts, y[train_idx], idf_terms=terms, idf_values=idf)
            head.blend_ = float(dense_blend)
            classes = model.named_steps["clf"].classes_
            blended = head.blend(classes, model.predict_proba(test_texts), test_texts)
            with_dense[test_idx] = classes[np.argmax(blended, axis=1)]
            seconds["dense"] += time.perf_counter() - t1 + (t1 - t0)
            dense_f1.append(float(f1_score(y[test_idx], with_dense[test_idx], average="macro", zero_division=0)))
        if baseline:
            t0 = time.perf_counter()
            reference = baseline_pipeline().fit(train_texts, y[train_idx])
            base[test_idx] = reference.predict(test_texts)
            seconds["baseline"] += time.perf_counter() - t0
            base_f1.append(float(f1_score(y[test_idx], base[test_idx], average="macro", zero_division=0)))
    result = {
        "model": MODEL_DESCRIPTION + (", title field in its own block" if fields > 1 else ""),
        "chosen_per_fold": ["svm+nb"] * len(splits),
        "grouped": group_values is not None,
        "n": int(len(y)),
        "folds": folds,
        "classes": int(len(set(labels))),
        **_report(list(y), list(ours)),
        "fold_macro_f1": [round(v, 4) for v in fold_f1],
        "dropped_classes": dropped,
        "seconds": round(time.perf_counter() - started, 2),
        "fit_predict_seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    if dense_blend is not None:
        blended_report = _report(list(y), list(with_dense))
        result["dense"] = {
            "model": f"ours blended with the dense head (weight {dense_blend})",
            "accuracy": blended_report["accuracy"],
            "macro_f1": blended_report["macro_f1"],
            "fold_macro_f1": [round(v, 4) for v in dense_f1],
            "macro_f1_gain_over_ours": round(blended_report["macro_f1"] - result["macro_f1"], 4),
        }
    if baseline:
        ref = _report(list(y), list(base))
        result["baseline"] = {
            "model": "char(1-3) TF-IDF → LinearSVC",
            "accuracy": ref["accuracy"],
            "macro_f1": ref["macro_f1"],
            "fold_macro_f1": [round(v, 4) for v in base_f1],
            "per_class": ref["per_class"],
        }
        result["macro_f1_gain"] = round(result["macro_f1"] - ref["macro_f1"], 4)
        result["time_ratio"] = round(seconds["model"] / max(seconds["baseline"], 1e-6), 2)
    return result
