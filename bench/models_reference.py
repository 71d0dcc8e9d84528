"""PyTorch anchor of the models benchmark: torchvision's resnet50 and the WRN of
bench/parity_models.py (the twin of Repro.Models.WideResNet), trained with the same optimizer on
one fixed batch, on Debian's python3-torch (the libtorch the C# side binds), or on a GPU (the GPU
check, bench/gpu). A server like foundation_reference.py: reads "<model> <steps>" lines on stdin
and answers each with one JSON line {"model", "threads", "ms": [per-step times], "loss"}; the first
request for a model also runs <warmup> untimed steps. On cuda, TF32 is off as in the binding's
default policy (the paper's fp32), and loss.item() ends each timed step as it does in C#.
Usage: models_reference.py <warmup> <threads> [cpu|cuda]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

from parity_models import WideResNet

# name: (model factory, batch, input shape, classes); the same as ModelsBench.cs.
MODELS = {
    "resnet50": (lambda: torchvision.models.resnet50(), 32, (3, 224, 224), 1000),
    "wrn-10-1": (lambda: WideResNet(10, 1, True, 10, input_channels=1), 128, (1, 32, 32), 10),
    # The Full tier's WRN (wrn-cifar10 on CIFAR-10), for the GPU check.
    "wrn-28-10": (lambda: WideResNet(28, 10, True, 10), 128, (3, 32, 32), 10),
}


class Trainer:
    def __init__(self, name, device):
        make, batch, shape, classes = MODELS[name]
        self.model = make().to(device)
        self.x = torch.randn(batch, *shape).to(device)
        self.y = torch.randint(0, classes, (batch,)).to(device)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.05, momentum=0.9)

    def run(self, steps):
        times, loss = [], None
        for _ in range(steps):
            start = time.perf_counter()
            self.opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(self.model(self.x), self.y)
            loss.backward()
            self.opt.step()
            loss = loss.item()
            times.append((time.perf_counter() - start) * 1000)
        return times, loss


def main(warmup, threads, device):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    trainers = {}
    for line in sys.stdin:
        name, steps = line.split()
        if name not in trainers:
            trainers[name] = Trainer(name, device)
            trainers[name].run(warmup)
        times, loss = trainers[name].run(int(steps))
        print(json.dumps({"model": name, "threads": torch.get_num_threads(), "ms": times, "loss": loss}),
              flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "cpu")
