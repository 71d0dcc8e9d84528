"""PyTorch side of the safetensors round trip (run by SafetensorsTests with Debian's python3-torch).

Reads the file C# wrote, checks every tensor against values PyTorch computes itself (the random
ones from the same seed through libtorch's CPU generator), then writes a file for C# to check.
This reader/writer follows the safetensors spec independently of the C# implementation.
Usage: safetensors_interop.py <written by C#> <to write for C#>
"""
import json
import struct
import sys

import torch

NAMES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64", torch.int32: "I32",
         torch.uint8: "U8", torch.bool: "BOOL"}
TYPES = {v: k for k, v in NAMES.items()}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    buffer = data[8 + n:]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        dtype = TYPES[spec["dtype"]]
        raw = bytearray(buffer[begin:end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(spec["shape"])
    return tensors, header.get("__metadata__", {})


def save(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        blob = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main(source, target):
    tensors, metadata = load(source)
    expected = {
        "arange_f64": torch.arange(12, dtype=torch.float64).reshape(3, 4),
        "randn_f32": torch.randn(3, 4, generator=torch.Generator().manual_seed(7)),
        "labels_i64": torch.tensor([0, 9, 3, -5]),
        "mask_bool": torch.tensor([True, False, True]),
        "pixels_u8": torch.tensor([[0, 128], [255, 7]], dtype=torch.uint8),
        "scalar_f64": torch.tensor(2.5, dtype=torch.float64),
    }
    if set(tensors) != set(expected):
        fail(f"names differ: {sorted(tensors)} vs {sorted(expected)}")
    for name, want in expected.items():
        got = tensors[name]
        if got.dtype != want.dtype or got.shape != want.shape or not torch.equal(got, want):
            fail(f"{name}: got {got} ({got.dtype}, {tuple(got.shape)}), PyTorch expects {want}")
    if metadata != {"format": "pt", "writer": "repro"}:
        fail(f"metadata {metadata}")

    out = {name: (~t if t.dtype == torch.bool else t * 2) for name, t in tensors.items()}
    out["torch_randn_f64"] = torch.randn(5, dtype=torch.float64, generator=torch.Generator().manual_seed(11))
    save(target, out, {"writer": "pytorch", "torch": torch.__version__})
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
