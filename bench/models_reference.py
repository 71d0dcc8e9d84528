"""PyTorch anchor of the models benchmark: torchvision's resnet50 and the WRN of
bench/parity_models.py (the twin of Repro.Models.WideResNet), trained with the same optimizer on
one fixed batch, on Debian's python3-torch (the libtorch the C# side binds). A server like
foundation_reference.py: reads "<model> <steps>" lines on stdin and answers each with one JSON
line {"model", "threads", "ms": [per-step times], "loss"}; the first request for a model also
runs <warmup> untimed steps.
Usage: models_reference.py <warmup> <threads>
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
}


class Trainer:
    def __init__(self, name):
        make, batch, shape, classes = MODELS[name]
        self.model = make()
        self.x, self.y = torch.randn(batch, *shape), torch.randint(0, classes, (batch,))
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


def main(warmup, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    trainers = {}
    for line in sys.stdin:
        name, steps = line.split()
        if name not in trainers:
            trainers[name] = Trainer(name)
            trainers[name].run(warmup)
        times, loss = trainers[name].run(int(steps))
        print(json.dumps({"model": name, "threads": torch.get_num_threads(), "ms": times, "loss": loss}),
              flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
