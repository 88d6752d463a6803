"""The reference forward pass of all-MiniLM-L6-v2 in numpy (float64): BERT, mean pooling, L2.

It is slow and exists to check the ONNX graph that serves (tests compare the two), written
straight from the BERT paper and the sentence-transformers pooling, not from the graph.
"""

from __future__ import annotations

import numpy as np


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight, bias, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _linear(x: np.ndarray, weights: dict, name: str) -> np.ndarray:
    return x @ weights[f"{name}.weight"].T + weights[f"{name}.bias"]


def embed_reference(
    weights: dict[str, np.ndarray], config: dict, input_ids: np.ndarray, attention_mask: np.ndarray
) -> np.ndarray:
    """Return the L2-normalised mean-pooled sentence embeddings, shape (batch, hidden)."""
    w = {name: value.astype(np.float64) for name, value in weights.items()}
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    batch, length = input_ids.shape
    hidden = config["hidden_size"]
    head_size = hidden // heads

    x = (
        w["embeddings.word_embeddings.weight"][input_ids]
        + w["embeddings.position_embeddings.weight"][:length][None, :, :]
        + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    mask = attention_mask.astype(np.float64)
    additive = (1.0 - mask)[:, None, None, :] * -1e9

    def split(t: np.ndarray) -> np.ndarray:
        return t.reshape(batch, length, heads, head_size).transpose(0, 2, 1, 3)

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        q = split(_linear(x, w, f"{p}.attention.self.query"))
        k = split(_linear(x, w, f"{p}.attention.self.key"))
        v = split(_linear(x, w, f"{p}.attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_size) + additive
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probabilities = scores / scores.sum(axis=-1, keepdims=True)
        context = (probabilities @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        attended = _linear(context, w, f"{p}.attention.output.dense") + x
        x = _layer_norm(
            attended,
            w[f"{p}.attention.output.LayerNorm.weight"],
            w[f"{p}.attention.output.LayerNorm.bias"],
            eps,
        )
        inner = _gelu(_linear(x, w, f"{p}.intermediate.dense"))
        x = _layer_norm(
            _linear(inner, w, f"{p}.output.dense") + x,
            w[f"{p}.output.LayerNorm.weight"],
            w[f"{p}.output.LayerNorm.bias"],
            eps,
        )

    pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1)[:, None], 1e-9)
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return pooled / norms
