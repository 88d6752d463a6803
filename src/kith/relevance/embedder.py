"""Sentence embeddings: `tokenizers` + onnxruntime, one shared session per process, loaded lazily.

`embed(texts)` returns float32 unit vectors (n x 384). The ONNX graph is the file derived at
install time (`scripts/build_minilm_onnx.py`, run by `make`) or, when it is missing, built in
memory from the packaged weights on first use (a second or two, once per process).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.conf import settings

from kith.relevance import weights

BATCH = 16  # texts per onnxruntime run (measured best of 1–64, docs/performance.md)
_lock = threading.Lock()
_shared: Embedder | None = None


def onnx_path() -> Path:
    """Return where the derived ONNX graph lives (inside the installed environment)."""
    return Path(sys.prefix) / "share" / "kith" / "all-MiniLM-L6-v2.onnx"


def build_onnx_bytes() -> bytes:
    """Return the serialised ONNX graph, built from the packaged weights."""
    from kith.relevance.onnx_graph import build_model

    return build_model(weights.load_weights(), weights.config()).SerializeToString()


def load_tokenizer():
    """Return the model's WordPiece tokenizer, truncating at 256 tokens (no padding: see pad)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(weights.tokenizer_path()))
    tokenizer.enable_truncation(max_length=weights.MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def pad(encodings) -> tuple[np.ndarray, np.ndarray]:
    """Return (input_ids, attention_mask) as int64 arrays padded with 0 to the longest."""
    length = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), length), dtype=np.int64)
    mask = np.zeros((len(encodings), length), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


class Embedder:
    """One tokenizer and one onnxruntime session; `encode` is safe to call from any thread."""

    def __init__(self, *, threads: int = 1, model: bytes | Path | None = None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        if model is None:
            path = onnx_path()
            model = path if path.exists() else build_onnx_bytes()
        source = str(model) if isinstance(model, Path) else model
        self.session = onnxruntime.InferenceSession(
            source, options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = load_tokenizer()

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (input_ids, attention_mask) as int64 arrays padded to the longest text."""
        return pad(self.tokenizer.encode_batch(list(texts)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return the unit-length embeddings of `texts`, in order (float32, n x 384).

        Texts are tokenised once, sorted by token count and run in batches of `BATCH`, each
        padded only to its own longest text: padding is computed like any token (a forward
        pass costs batch × longest), so batches of equal lengths waste nothing.
        """
        texts = list(texts)
        result = np.zeros((len(texts), weights.DIMENSIONS), dtype=np.float32)
        if not texts:
            return result
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            ids, mask = pad([encodings[i] for i in chunk])
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            result[chunk] = vectors
        return result


def shared_embedder() -> Embedder:
    """Return the process's embedder, creating it on first use."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = Embedder(threads=settings.KITH_EMBEDDING_THREADS)
    return _shared


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return the unit-length embeddings of `texts` (float32, n x 384)."""
    return shared_embedder().encode(texts)
