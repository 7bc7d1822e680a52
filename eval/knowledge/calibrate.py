"""Fit the answer models on the development questions and write src/liandong/knowledge/data/answer_model.json.

Two small logistic regressions (knowledge/answer.py uses them):
- the ranker, over the features of each candidate sentence of an answerable question, labelled 1 when the
  sentence contains the gold answer: a listwise (conditional-logit) model, whose softmax over a question's
  candidates gives each one's probability of being the answering sentence (one temperature on its scores,
  fitted out of fold, keeps those shares calibrated; the reliability table is printed);
- the decider, over the features of a question and its best candidate (as ordered by an out-of-fold
  ranker), labelled 1 for answerable questions: the answer is given when its probability reaches the
  threshold, else "not found". The threshold is chosen on out-of-fold probabilities (5 folds by question)
  to balance the answered-rate on answerable questions against the not-found rate on unanswerable ones.
The held-out bank is never read here.

Usage: .venv/bin/python eval/knowledge/calibrate.py [--write]
Environment: KB_DENSE=1 (or =ranker) computes the dense word-vector features (knowledge/dense.py) and gives them to
both models (or the ranker only), KB_DENSE=0 leaves them out (unset: as the shipped model reads them, the ranker
only); KB_DENSE_FLOOR, KB_DENSE_VALUE (their weight in the first ordering), KB_DENSE_DECIDER, KB_SEARCH_DENSE (soft
coverage in the search's re-ranking) and KB_CANDIDATES (passages read) are the sixth kb session's experiments;
KB_RANKER_DROP lists ranker features left out (default dense_cosine,dense_precision); KB_FOLDS=bank folds by development bank (leave one bank out: a ranker and decider fitted without
the bank score it, which is how new phrasings fare; per-bank ranker figures are printed); KB_SYNTHETIC=N adds N
synthetic questions made from the corpus (eval/knowledge/synthetic.py) to the ranker's training rows only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, contains, dev_questions, open_knowledge_base  # noqa: E402

MODEL_FILE = REPO / "src" / "liandong" / "knowledge" / "data" / "answer_model.json"
FOLDS = 5
# The decider reads the best candidate's evidence (coverage, the question's last words, what the question
# word asks for, words the knowledge base lacks, character overlap), its margin over the next source and
# what kind of question it is (a procedure, a yes/no question, a contact or opening time, a fee). Round 3
# (493 development questions): out of fold 0.90 answered against 0.90 not found, from 0.88 / 0.88 with the
# eight features of round 2.
DECIDER_FEATURES = [
    "ranker", "ranker_gap", "context_coverage", "passage_coverage", "focus_passage", "focus_both", "misfit",
    "fits_nearby", "log_score", "missing_share", "asks_procedure", "unknown", "known_missing", "unknown_missing",
    "sentence_bm25", "bigrams", "score_share", "item_question", "item_reverse", "chars", "chars_context",
    "asks_yes_no", "asks_contact", "money_missing", "focus_unknown", "ranker_fit", "ranker_fit_gap", "form_fit",
    "figures",
]
# Third kb session: the figures the question names (a year, 12345) stated with the chosen sentence; out of fold
# 0.905 answered / 0.912 not found against 0.906 / 0.907 without it (1,468 development questions with answer_dev4).
# Second kb session: the listwise ranker's score and margin (its probabilities are shares among the candidates),
# what the question's form asks for, and the fee prior only when the chosen sentence states no amount — with
# asks_money and money_stated apart, the linear decider penalised a fee that is stated (every development
# question whose best sentence states an asked fee is answerable).
RANKER_L2 = float(os.environ.get("KB_RANKER_L2", "5.0"))  # out of fold, 5 beat 0.1 and 1 (0.863 / 0.858 / 0.857 first)
DECIDER_C = float(os.environ.get("KB_DECIDER_C", "0.5"))  # second kb session: out of fold 0.5 beat 0.2 and 1.0 (0.906 / 0.910 against 0.900 / 0.907 and 0.907 / 0.907)
# Sixth kb session: dense (word-vector) evidence, knowledge/dense.py. KB_DENSE=1 computes it for every candidate
# (the ranker reads every feature a candidate has) and gives the decider the best candidate's; KB_DENSE=ranker
# gives it to the ranker only.
DENSE = os.environ.get("KB_DENSE", "")
DENSE_DECIDER = os.environ.get("KB_DENSE_DECIDER", "dense_coverage,dense_soft_only,dense_cosine,dense_focus").split(",")
if DENSE and DENSE not in ("ranker", "0"):
    DECIDER_FEATURES = DECIDER_FEATURES + DENSE_DECIDER
if os.environ.get("KB_DECIDER_FEATURES"):  # for trying other feature sets: comma-separated names
    DECIDER_FEATURES = os.environ["KB_DECIDER_FEATURES"].split(",")


class Listwise:
    """A conditional logit: within each question a softmax over its candidates, fitted to put the
    probability mass on the answering ones (L2-regularised). Its probabilities are calibrated shares."""

    def __init__(self, coef: np.ndarray):
        self.coef_ = coef[None, :]
        self.intercept_ = np.zeros(1)


def fit_listwise(x: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float):
    from scipy.optimize import minimize

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    lists = []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        labels = y[members]
        if labels.any() and not labels.all():  # a question whose candidates all answer (or none) teaches nothing
            lists.append((z[members], labels.astype(float)))

    def loss(w):
        value, grad = l2 * w @ w, 2 * l2 * w
        for features, labels in lists:
            scores = features @ w
            p = np.exp(scores - scores.max())
            p /= p.sum()
            mass = (p * labels).sum()
            value -= np.log(mass)
            grad -= features.T @ (p * labels / mass - p)
        return value, grad

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return mean, scale, Listwise(result.x)


def ranker_scores(fitted, x: np.ndarray) -> np.ndarray:
    mean, scale, model = fitted
    return ((x - mean) / scale) @ model.coef_[0]


def fit_temperature(lists: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The factor on the ranker's scores that maximises the likelihood of the answering candidates."""
    from scipy.optimize import minimize_scalar

    def loss(t: float) -> float:
        value = 0.0
        for scores, labels in lists:
            z = t * scores
            p = np.exp(z - z.max())
            p /= p.sum()
            value -= np.log(max((p * labels).sum(), 1e-12))
        return value

    return float(minimize_scalar(loss, bounds=(0.2, 5.0), method="bounded").x)


def reliability(lists: list[tuple[np.ndarray, np.ndarray]], t: float, title: str) -> None:
    """Out of fold: the ranker's top share against how often the top candidate answers, by bins."""
    tops = []
    for scores, labels in lists:
        z = t * scores
        p = np.exp(z - z.max())
        p /= p.sum()
        best = int(np.argmax(p))
        tops.append((p[best], labels[best]))
    tops = np.array(tops)
    cells = []
    for low, high in ((0.0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.01)):
        chosen = (tops[:, 0] >= low) & (tops[:, 0] < high)
        if chosen.any():
            cells.append(f"{low:.2f}–{min(high, 1):.2f}: n {chosen.sum()} p {tops[chosen, 0].mean():.2f} right {tops[chosen, 1].mean():.2f}")
    print(f"ranker reliability {title}: " + "; ".join(cells))


def fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit((x - mean) / scale, y)
    return mean, scale, model


def predict(fitted, x: np.ndarray) -> np.ndarray:
    mean, scale, model = fitted
    return model.predict_proba((x - mean) / scale)[:, 1]


def as_json(names: list[str], fitted) -> dict:
    mean, scale, model = fitted
    return {
        "features": names,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from liandong.config import settings
    from liandong.knowledge import answer
    from liandong.knowledge.extract import softmax

    if DENSE == "0":  # the lexical features alone (the model before the sixth kb session)
        answer.DENSE = False
    elif DENSE:
        from liandong.knowledge import dense

        answer.DENSE = True
        answer.DENSE_VALUE = float(os.environ.get("KB_DENSE_VALUE", answer.DENSE_VALUE))
        dense.FLOOR = float(os.environ.get("KB_DENSE_FLOOR", dense.FLOOR))
    if os.environ.get("KB_SEARCH_DENSE"):
        from liandong.knowledge import search

        search.SEARCH_DENSE = float(os.environ["KB_SEARCH_DENSE"])
    if os.environ.get("KB_CANDIDATES"):  # passages read per question (answer.CANDIDATES)
        answer.CANDIDATES = int(os.environ["KB_CANDIDATES"])
    questions = dev_questions()
    tmp, index = open_knowledge_base()
    with tmp:
        decisions = [answer.decide(index, q["question"], city_code=settings().city_code) for q in questions]
    # For trying smaller feature sets. By default two dense features stay out: the mean vectors' cosine and the
    # sentence's share of words near the question's put another city's copy of a plan ("达到" against "延长至")
    # before the own city's, and out of fold they added nothing (sixth kb session).
    dropped = set(filter(None, os.environ.get("KB_RANKER_DROP", "dense_cosine,dense_precision").split(",")))
    ranker_names = sorted({name for d in decisions for c in d.candidates for name in c.features} - dropped)
    folds = np.arange(len(questions)) % FOLDS
    if os.environ.get("KB_FOLDS") == "bank":  # leave one bank out: each fold is one development bank
        banks = sorted({q["bank"] for q in questions})
        folds = np.array([banks.index(q["bank"]) for q in questions])

    # Stage 1: the ranker, pairwise: within each answerable question, every answering sentence against
    # every other candidate (the difference of their standardised features), so it learns to order.
    rows = [
        (number, [c.features[name] for name in ranker_names], int(contains(c.sentence, q["answer"])))
        for number, (q, d) in enumerate(zip(questions, decisions))
        if q["answer"]
        for c in d.candidates
    ]
    synthetic = int(os.environ.get("KB_SYNTHETIC", "0"))  # synthetic questions from the corpus, ranker training only
    if synthetic:
        from synthetic import synthetic_questions

        made = synthetic_questions(index, synthetic)
        tmp2, index2 = open_knowledge_base()
        with tmp2:
            made_decisions = [answer.decide(index2, q["question"], city_code=settings().city_code) for q in made]
        rows += [
            (len(questions) + number, [c.features.get(name, 0.0) for name in ranker_names], int(contains(c.sentence, q["answer"])))
            for number, (q, d) in enumerate(zip(made, made_decisions))
            for c in d.candidates
        ]
    rx = np.array([r[1] for r in rows], dtype=float)
    ry = np.array([r[2] for r in rows])
    rq = np.array([r[0] for r in rows])
    row_folds = np.array([folds[number] if number < len(questions) else -1 for number in rq])

    def reorder(decision, fitted) -> None:
        if not decision.candidates:
            return
        x = np.array([[c.features[name] for name in ranker_names] for c in decision.candidates], dtype=float)
        scores = ranker_scores(fitted, x)
        for c, score, p in zip(decision.candidates, scores, softmax(list(scores))):
            c.fit, c.probability = float(score), float(p)
        decision.candidates.sort(key=lambda c: (-c.probability, -c.value))

    # Out-of-fold ranking of every question (answerable and not), then the decider's rows.
    for fold in np.unique(folds):
        train = row_folds != fold
        fitted = fit_listwise(rx[train], ry[train], rq[train], RANKER_L2)
        for number, decision in enumerate(decisions):
            if folds[number] == fold:
                reorder(decision, fitted)
    # The ranker's regularisation shrinks its scores, which leaves its shares under-confident: one
    # temperature, fitted on the out-of-fold scores, makes them calibrated (the final model's coefficients
    # are multiplied by it).
    lists = []
    for q, d in zip(questions, decisions):
        labels = np.array([int(bool(q["answer"]) and contains(c.sentence, q["answer"])) for c in d.candidates])
        if q["answer"] and labels.any() and not labels.all():
            lists.append((np.array([c.fit for c in d.candidates]), labels))
    temperature = fit_temperature(lists)
    reliability(lists, 1.0, "before the temperature")
    reliability(lists, temperature, f"with temperature {temperature:.2f}")
    for d in decisions:
        for c, p in zip(d.candidates, softmax([temperature * c.fit for c in d.candidates])):
            c.fit, c.probability = temperature * c.fit, p
    decider_rows = []
    for q, d in zip(questions, decisions):
        if not d.candidates:
            decider_rows.append((None, 0, bool(q["answer"]), False))
            continue
        features = answer._decider_features(d.candidates, d.unknown, d.prepared, d.full_score, d.unknown_words)
        correct = bool(q["answer"]) and contains(d.candidates[0].sentence, q["answer"])
        decider_rows.append((features, int(bool(q["answer"])), bool(q["answer"]), correct))
    decider_names = DECIDER_FEATURES
    usable = [i for i, row in enumerate(decider_rows) if row[0] is not None]
    dx = np.array([[decider_rows[i][0][name] for name in decider_names] for i in usable], dtype=float)
    dy = np.array([decider_rows[i][1] for i in usable])
    out_of_fold = np.zeros(len(questions))
    for fold in np.unique(folds):
        train = np.array([folds[i] != fold for i in usable])
        fitted = fit(dx[train], dy[train], DECIDER_C)
        test = [k for k, i in enumerate(usable) if folds[i] == fold]
        out_of_fold[[usable[k] for k in test]] = predict(fitted, dx[test])

    answerable = sum(1 for row in decider_rows if row[2])
    unanswerable = len(decider_rows) - answerable
    ranked_right = sum(1 for row in decider_rows if row[3])
    reachable = sum(1 for q, d in zip(questions, decisions) if q["answer"] and any(contains(c.sentence, q["answer"]) for c in d.candidates))
    print(f"{len(questions)} questions ({answerable} answerable, {unanswerable} not); out-of-fold ranker puts an answering sentence first for {ranked_right / answerable:.3f}; one among the candidates for {reachable / answerable:.3f}")
    if os.environ.get("KB_FOLDS") == "bank":  # each bank scored by a ranker fitted without it
        cells = []
        for bank in sorted({q["bank"] for q in questions}):
            mine = [row for q, row in zip(questions, decider_rows) if q["bank"] == bank and row[2]]
            if mine:
                cells.append(f"{bank} {sum(row[3] for row in mine) / len(mine):.3f} (n {len(mine)})")
        print("left out, ranker first: " + "; ".join(cells))
    print(f"{'threshold':>9} {'answered':>8} {'span':>6} {'not_found':>9}")
    best_threshold, best_value = 0.5, -1.0
    for threshold in np.arange(0.10, 0.91, 0.025):
        given = out_of_fold >= threshold
        answered = sum(given[i] for i, row in enumerate(decider_rows) if row[2]) / answerable
        span = sum(given[i] and row[3] for i, row in enumerate(decider_rows)) / answerable
        not_found = sum(not given[i] for i, row in enumerate(decider_rows) if not row[2]) / max(unanswerable, 1)
        value = min(answered, not_found) + 0.25 * span
        marker = ""
        if value > best_value + 1e-9:
            best_threshold, best_value, marker = float(threshold), value, " *"
        print(f"{threshold:9.3f} {answered:8.3f} {span:6.3f} {not_found:9.3f}{marker}")

    ranker = fit_listwise(rx, ry, rq, RANKER_L2)
    ranker[2].coef_ = ranker[2].coef_ * temperature
    decider = fit(dx, dy, DECIDER_C)
    model = {"ranker": {**as_json(ranker_names, ranker), "kind": "listwise"}, "decider": as_json(decider_names, decider), "threshold": round(best_threshold, 3)}
    for title, part in (("ranker", model["ranker"]), ("decider", model["decider"])):
        print(title + ": " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(part["features"], part["coef"])))
    print(f"threshold {best_threshold:.3f} (chosen on out-of-fold probabilities)")
    if args.write:
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"written {MODEL_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
