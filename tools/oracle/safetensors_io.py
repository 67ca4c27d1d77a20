"""A minimal safetensors writer and reader for torch tensors (torch, numpy, json, struct only).

The `safetensors` package is not installed on these machines, so the oracle writes the format
itself, following https://github.com/huggingface/safetensors exactly:

  8 bytes   N = header length, unsigned 64-bit little-endian
  N bytes   UTF-8 JSON: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}
            keys sorted, padded with spaces so that N % 8 == 0
  rest      the byte buffer; data_offsets = [begin, end) relative to its start; tensors tile
            it with no holes or overlaps. As the reference implementation does, data is laid
            out widest dtype first, then by name, so every tensor starts aligned.

Run as a script (ops.py does it too), it writes fixtures/safetensors/from_python.safetensors: one tensor of every
dtype Glimpse reads, which packages/tensor/src/safetensors.test.ts checks.
"""
import json
import os
import struct

import numpy as np
import torch

DTYPES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}
TORCH_DTYPES = {v: k for k, v in DTYPES.items()}


def _itemsize(dtype):
    return torch.empty((), dtype=dtype).element_size()


def _to_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        t = t.view(torch.int16)
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def serialize(tensors, metadata=None):
    """dict name -> torch.Tensor (+ dict str -> str) -> bytes of a safetensors file."""
    names = sorted(tensors)
    if "__metadata__" in tensors:
        raise ValueError("'__metadata__' cannot name a tensor")
    for name in names:
        if tensors[name].dtype not in DTYPES:
            raise ValueError(f"tensor '{name}': unsupported dtype {tensors[name].dtype}")
    layout = sorted(names, key=lambda n: (-_itemsize(tensors[n].dtype), n))
    offsets, total, chunks = {}, 0, []
    for name in layout:
        data = _to_bytes(tensors[name])
        offsets[name] = [total, total + len(data)]
        total += len(data)
        chunks.append(data)
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(v, str):
                raise ValueError(f"metadata '{k}' must be a string, got {type(v).__name__}")
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    for name in names:
        t = tensors[name]
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": offsets[name]}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    data = serialize(tensors, metadata)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def deserialize(data):
    """bytes of a safetensors file -> (dict name -> torch.Tensor, metadata dict)."""
    if len(data) < 8:
        raise ValueError(f"file is {len(data)} bytes, too short for the header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"header length {n} goes beyond the file ({len(data)} bytes)")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    buffer = memoryview(data)[8 + n :]
    metadata = header.pop("__metadata__", {}) or {}
    spans = sorted((info["data_offsets"][0], info["data_offsets"][1], name) for name, info in header.items())
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor or end < begin:
            raise ValueError(f"tensor '{name}': data_offsets [{begin}, {end}] leave a hole or overlap at {cursor}")
        cursor = end
    if cursor != len(buffer):
        raise ValueError(f"{len(buffer) - cursor} unused bytes after the last tensor")
    tensors = {}
    for name, info in header.items():
        dtype = TORCH_DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        if end - begin != int(np.prod(shape, dtype=np.int64)) * _itemsize(dtype):
            raise ValueError(f"tensor '{name}': {end - begin} bytes do not match shape {shape} of {info['dtype']}")
        raw = bytearray(buffer[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(shape).clone()
    return tensors, metadata


def load_file(path):
    with open(path, "rb") as f:
        return deserialize(f.read())


def write_dtype_fixture():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    out_dir = os.path.join(root, "fixtures", "safetensors")
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    halves = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.103515625e-05, 5.960464477539063e-08, float("inf"), float("-inf")])
    tensors = {
        "f32": torch.randn(2, 3, generator=g),
        "f64": torch.randn(3, 2, generator=g, dtype=torch.float64),
        "i32": torch.tensor([[-(2**31), -1, 0], [1, 7, 2**31 - 1]], dtype=torch.int32),
        "i64": torch.tensor([-(2**31), -5, 0, 3, 2**31 - 1], dtype=torch.int64),
        "f16": torch.cat([halves, torch.randn(3, generator=g)]).to(torch.float16),
        "bf16": torch.cat([halves, torch.randn(3, generator=g)]).to(torch.bfloat16),
        "bool": torch.tensor([[True, False], [False, True], [True, True]]),
        "scalar": torch.tensor(3.25, dtype=torch.float32),
        "empty": torch.zeros(0, 4, dtype=torch.float32),
    }
    path = os.path.join(out_dir, "from_python.safetensors")
    save_file(tensors, path, metadata={"format": "pt", "torch": torch.__version__})
    back, meta = load_file(path)
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and back[name].shape == t.shape, name
        assert torch.equal(back[name], t), name
    assert meta["format"] == "pt"
    # The expected values, as JSON, for the TS test: float16/bfloat16 widened to float64 (exact),
    # infinities as the strings "inf" / "-inf" (JSON has no literal for them).
    def plain(v):
        return v if abs(v) != float("inf") else ("inf" if v > 0 else "-inf")

    expected = {
        name: {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "values": [plain(v) for v in t.double().flatten().tolist()]}
        for name, t in tensors.items()
    }
    with open(os.path.join(out_dir, "from_python.json"), "w") as f:
        json.dump(expected, f, sort_keys=True, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, root)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    write_dtype_fixture()
