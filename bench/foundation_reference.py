"""PyTorch anchor of the foundation benchmark: the same CNN and GRU as bench/Repro.Bench, trained
with the same optimizer on one fixed batch, on Debian's python3-torch (the libtorch the C# side
binds). Runs as a server so that both sides stay warm and can alternate in short rounds:
reads "<cnn|gru> <steps>" lines on stdin and answers each with one JSON line
{"model", "threads", "ms": [per-step times], "loss"}. The first request for a model also runs
<warmup> untimed steps.
Usage: foundation_reference.py <warmup> <threads>
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.fc(x.flatten(1))


class Gru(nn.Module):
    def __init__(self, vocab, embed, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.gru = nn.GRU(embed, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, tokens):
        _, h_n = self.gru(self.embedding(tokens))
        return self.fc(h_n.squeeze(0))


class Trainer:
    def __init__(self, name):
        if name == "cnn":
            self.model = Cnn()
            self.x, self.y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
        elif name == "gru":
            self.model = Gru(5000, 64, 128)
            self.x, self.y = torch.randint(0, 5000, (64, 100)), torch.randint(0, 2, (64,))
        else:
            raise ValueError(f"unknown model {name!r}")
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
