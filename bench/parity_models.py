"""PyTorch side of the model parity checks (run by tests/Repro.Models.Tests with Debian's
python3-torch and python3-torchvision, the libtorch the C# binding uses).

The folder holds what C# wrote:
  config.json             {"model": "resnet50" | "gru" | "wrn", its sizes, "seed"}
  csharp.safetensors      the C# model's state dict (Module.save)
  csharp_io.safetensors   "input" (one batch) and "logits" (the C# model's, eval mode)
Both directions are checked:
  C# -> PyTorch: the reference model loads csharp.safetensors (strict) and its logits on "input"
                 are compared with the C# ones;
  PyTorch -> C#: the reference model as PyTorch initializes it (torchvision's init for ResNet-50),
                 batch-norm statistics made non-trivial, is written as pytorch.safetensors with
                 its logits on "input" in pytorch_io.safetensors, for C# to load and compare.
Prints "<model> csharp->pytorch relative error <e>" (||a - b|| / ||b||); exits 1 when it is not
below 1e-5, on any mismatch of names or shapes (load_state_dict's strict check), or when the
names come in another order than PyTorch's.
Usage: parity_models.py <folder>
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

TOLERANCE = 1e-5
NAMES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64", torch.int32: "I32",
         torch.uint8: "U8", torch.bool: "BOOL"}
TYPES = {v: k for k, v in NAMES.items()}


# ---- safetensors: the same small reader/writer as tests/Repro.Torch.Tests/python/safetensors_interop.py

def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    buffer = memoryview(data)[8 + n:]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        dtype = TYPES[spec["dtype"]]
        raw = bytearray(buffer[begin:end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(spec["shape"])
    return tensors


def save(path, tensors):
    header, blobs, offset = {"__metadata__": {"writer": "parity_models.py"}}, [], 0
    for name, t in tensors.items():
        blob = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


# ---- reference models

class GruClassifier(nn.Module):
    """Embedding -> GRU -> output at each right-padded review's last real token -> linear."""

    def __init__(self, vocab, embedding, hidden, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=0)
        self.gru = nn.GRU(embedding, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, tokens):
        outputs, _ = self.gru(self.embedding(tokens))              # (N, T, H)
        last = ((tokens != 0).sum(1) - 1).clamp(min=0)             # (N)
        return self.fc(outputs[torch.arange(tokens.shape[0]), last])


class WrnBlock(nn.Module):
    """Pre-activation basic block; without batch norm, SkipInit's zero-initialized branch scalar."""

    def __init__(self, cin, cout, stride, batch_norm):
        super().__init__()
        if not batch_norm:
            self.skip_gain = nn.Parameter(torch.zeros(()))
        self.bn1 = nn.BatchNorm2d(cin) if batch_norm else None
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(cout) if batch_norm else None
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=not batch_norm)
        self.shortcut = nn.Conv2d(cin, cout, 1, stride, 0, bias=not batch_norm) if cin != cout or stride != 1 else None

    def forward(self, x):
        a = F.relu(self.bn1(x) if self.bn1 is not None else x)
        r = self.conv1(a)
        r = self.conv2(F.relu(self.bn2(r) if self.bn2 is not None else r))
        if self.bn1 is None:
            r = r * self.skip_gain
        return (self.shortcut(a) if self.shortcut is not None else x) + r


class WideResNet(nn.Module):
    def __init__(self, depth, widen_factor, batch_norm, classes, input_channels=3):
        super().__init__()
        n, k = (depth - 4) // 6, widen_factor
        widths = [16, 16 * k, 32 * k, 64 * k]
        self.conv1 = nn.Conv2d(input_channels, 16, 3, 1, 1, bias=not batch_norm)
        self.block1 = nn.Sequential(*[WrnBlock(widths[0] if i == 0 else widths[1], widths[1], 1, batch_norm) for i in range(n)])
        self.block2 = nn.Sequential(*[WrnBlock(widths[1] if i == 0 else widths[2], widths[2], 2 if i == 0 else 1, batch_norm) for i in range(n)])
        self.block3 = nn.Sequential(*[WrnBlock(widths[2] if i == 0 else widths[3], widths[3], 2 if i == 0 else 1, batch_norm) for i in range(n)])
        self.bn = nn.BatchNorm2d(widths[3]) if batch_norm else None
        self.fc = nn.Linear(widths[3], classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.block3(self.block2(self.block1(self.conv1(x))))
        x = F.relu(self.bn(x) if self.bn is not None else x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def build(config):
    name = config["model"]
    if name == "resnet50":
        import torchvision
        if config.get("width", 64) != 64:
            raise ValueError("torchvision's resnet50 has width 64 only")
        return torchvision.models.resnet50(num_classes=config["classes"])
    if name == "gru":
        return GruClassifier(config["vocab"], config["embedding"], config["hidden"], config["classes"])
    if name == "wrn":
        return WideResNet(config["depth"], config["widen_factor"], config["batch_norm"], config["classes"],
                          config.get("input_channels", 3))
    raise ValueError(f"unknown model {name!r}")


def make_statistics_nontrivial(model, generator):
    """Random batch-norm statistics, affine parameters and SkipInit scalars, so that a buffer or
    parameter loaded under the wrong name changes the logits."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1, generator=generator)
                m.running_var.uniform_(0.5, 1.5, generator=generator)
                m.weight.uniform_(0.5, 1.5, generator=generator)
                m.bias.normal_(0, 0.1, generator=generator)
                m.num_batches_tracked.fill_(7)
            if isinstance(m, WrnBlock) and m.bn1 is None:
                m.skip_gain.uniform_(0.1, 0.3, generator=generator)


def relative_error(a, b):
    return ((a.double() - b.double()).norm() / b.double().norm()).item()


def main(folder):
    torch.set_num_threads(os.cpu_count() or 1)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    io = load(os.path.join(folder, "csharp_io.safetensors"))
    x, theirs = io["input"], io["logits"]
    dtype = theirs.dtype

    torch.manual_seed(config.get("seed", 0))
    model = build(config).to(dtype).eval()
    make_statistics_nontrivial(model, torch.Generator().manual_seed(config.get("seed", 0)))
    with torch.no_grad():
        ours = model(x)
    save(os.path.join(folder, "pytorch.safetensors"), model.state_dict())
    save(os.path.join(folder, "pytorch_io.safetensors"), {"input": x, "logits": ours})

    state = load(os.path.join(folder, "csharp.safetensors"))
    same_order = list(state) == list(model.state_dict())
    if not same_order:
        print(f"{config['model']}: the C# state dict's names are in another order than PyTorch's")
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        logits = model(x)
    if logits.shape != theirs.shape:
        print(f"{config['model']}: logits of shape {tuple(logits.shape)} in PyTorch, {tuple(theirs.shape)} in C#")
        return 1
    error = relative_error(logits, theirs)
    print(f"{config['model']} csharp->pytorch relative error {error:.3e}")
    return 0 if error < TOLERANCE and same_order else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
