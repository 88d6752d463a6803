"""Build the ONNX graph of all-MiniLM-L6-v2 from its safetensors weights with the `onnx` package.

The package ships PyTorch-format weights only and torch is never installed, so the graph is
written here by hand: BERT (6 layers, 12 heads, GELU), mean pooling over the attention mask,
L2 normalisation. Inputs `input_ids` and `attention_mask` (int64, batch x tokens); output
`embedding` (float32, batch x 384). `scripts/build_minilm_onnx.py` writes it to a file at
install time; `embedder` builds it in memory when that file is missing.
"""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # LayerNormalization


class _Graph:
    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs) -> str:
        self._count += 1
        output = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [output], **attrs))
        return output


def build_model(weights: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    """Return the ONNX model of the sentence encoder for these weights."""
    g = _Graph()
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_size = hidden // heads
    eps = float(config["layer_norm_eps"])
    f32 = np.float32

    def w(name: str) -> np.ndarray:
        return weights[name].astype(f32)

    def linear(x: str, name: str) -> str:
        weight = g.const(f"{name}.wT", np.ascontiguousarray(w(f"{name}.weight").T))
        bias = g.const(f"{name}.b", w(f"{name}.bias"))
        return g.op("Add", [g.op("MatMul", [x, weight]), bias])

    def layer_norm(x: str, name: str) -> str:
        scale = g.const(f"{name}.gamma", w(f"{name}.weight"))
        bias = g.const(f"{name}.beta", w(f"{name}.bias"))
        return g.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=eps)

    # Embeddings: words + positions + token type 0 (one sentence per input).
    words = g.op(
        "Gather", [g.const("word_embeddings", w("embeddings.word_embeddings.weight")), "input_ids"]
    )
    positions_and_type = (
        w("embeddings.position_embeddings.weight") + w("embeddings.token_type_embeddings.weight")[0]
    )
    length = g.op(
        "Slice",
        [
            g.op("Shape", ["input_ids"]),
            g.const("one", np.array([1], np.int64)),
            g.const("two", np.array([2], np.int64)),
        ],
    )
    positions = g.op(
        "Slice",
        [
            g.const("position_embeddings", positions_and_type),
            g.const("zero", np.array([0], np.int64)),
            length,
        ],
    )
    x = layer_norm(g.op("Add", [words, positions]), "embeddings.LayerNorm")

    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    additive = g.op(
        "Mul",
        [
            g.op("Sub", [g.const("one_f", np.array(1.0, f32)), mask]),
            g.const("minus_big", np.array(-1e9, f32)),
        ],
    )
    additive = g.op("Unsqueeze", [additive, g.const("axes_1_2", np.array([1, 2], np.int64))])
    split_shape = g.const("split_shape", np.array([0, 0, heads, head_size], np.int64))
    merge_shape = g.const("merge_shape", np.array([0, 0, hidden], np.int64))
    scale = g.const("attention_scale", np.array(1.0 / math.sqrt(head_size), f32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), f32))
    half = g.const("half", np.array(0.5, f32))
    one = g.const("one_f2", np.array(1.0, f32))

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        q = g.op("Reshape", [linear(x, f"{p}.attention.self.query"), split_shape])
        k = g.op("Reshape", [linear(x, f"{p}.attention.self.key"), split_shape])
        v = g.op("Reshape", [linear(x, f"{p}.attention.self.value"), split_shape])
        q = g.op("Transpose", [q], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [k], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [v], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), additive])
        probabilities = g.op("Softmax", [scores], axis=-1)
        context = g.op("Transpose", [g.op("MatMul", [probabilities, v])], perm=[0, 2, 1, 3])
        context = g.op("Reshape", [context, merge_shape])
        attended = g.op("Add", [linear(context, f"{p}.attention.output.dense"), x])
        x = layer_norm(attended, f"{p}.attention.output.LayerNorm")
        inner = linear(x, f"{p}.intermediate.dense")
        erf = g.op("Erf", [g.op("Div", [inner, sqrt2])])
        gelu = g.op("Mul", [g.op("Mul", [inner, half]), g.op("Add", [erf, one])])
        out = g.op("Add", [linear(gelu, f"{p}.output.dense"), x])
        x = layer_norm(out, f"{p}.output.LayerNorm")

    # Mean pooling over real tokens, then L2 normalisation.
    mask3 = g.op("Unsqueeze", [mask, g.const("axis_2", np.array([2], np.int64))])
    axis_1 = g.const("axis_1", np.array([1], np.int64))
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask3]), axis_1], keepdims=0)
    counts = g.op("ReduceSum", [mask, axis_1], keepdims=1)
    counts = g.op("Max", [counts, g.const("tiny_count", np.array(1e-9, f32))])
    pooled = g.op("Div", [summed, counts])
    norm = g.op("ReduceL2", [pooled], axes=[1], keepdims=1)  # axes an attribute until opset 18
    norm = g.op("Max", [norm, g.const("tiny_norm", np.array(1e-12, f32))])
    g.nodes.append(helper.make_node("Div", [pooled, norm], ["embedding"]))

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    model.producer_name = "kith"
    onnx.checker.check_model(model)
    return model
