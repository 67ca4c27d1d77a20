"""The PyTorch oracle for Glimpse's optimizers: torch.optim trajectories on fixed gradients.

    /usr/bin/python3 tools/oracle/optim.py

For each case, two parameters (a matrix and a vector) start from seeded values and receive a
seeded gradient sequence for STEPS steps; torch.optim updates them. The file stores
`<case>/init/<p>`, `<case>/grad/<step>/<p>` and `<case>/after/<step>/<p>` (float64, so the
comparison measures the update rule, not float32 rounding), and `__metadata__[<case>]` is JSON
{"optimizer": "SGD" | "Adam" | "AdamW", "options": Glimpse option names and values}.
packages/train/src/optim/parity.test.ts replays them.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STEPS = 6

CASES = [
    ("sgd_plain", torch.optim.SGD, {"lr": 0.1}, {"lr": 0.1}),
    ("sgd_momentum_wd", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01, "dampening": 0.1},
     {"lr": 0.05, "momentum": 0.9, "weightDecay": 0.01, "dampening": 0.1}),
    ("sgd_nesterov", torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("adam", torch.optim.Adam, {"lr": 1e-2}, {"lr": 1e-2}),
    ("adam_l2", torch.optim.Adam, {"lr": 1e-2, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1},
     {"lr": 1e-2, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6, "weightDecay": 0.1}),
    ("adamw_open_clip", torch.optim.AdamW, {"lr": 5e-4, "betas": (0.9, 0.98), "eps": 1e-6, "weight_decay": 0.2},
     {"lr": 5e-4, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6, "weightDecay": 0.2}),
    ("adamw_default", torch.optim.AdamW, {"lr": 3e-3}, {"lr": 3e-3}),
]


def main():
    tensors, metadata = {}, {"_torch": torch.__version__}
    for case, cls, torch_options, glimpse_options in CASES:
        g = torch.Generator().manual_seed(len(case))
        params = {
            "w": torch.randn(3, 4, generator=g, dtype=torch.float64).requires_grad_(),
            "b": torch.randn(4, generator=g, dtype=torch.float64).requires_grad_(),
        }
        for name, p in params.items():
            tensors[f"{case}/init/{name}"] = p.detach().clone()
        opt = cls(list(params.values()), **torch_options)
        for step in range(STEPS):
            for name, p in params.items():
                p.grad = torch.randn(p.shape, generator=g, dtype=torch.float64)
                tensors[f"{case}/grad/{step}/{name}"] = p.grad.clone()
            opt.step()
            for name, p in params.items():
                tensors[f"{case}/after/{step}/{name}"] = p.detach().clone()
        metadata[case] = json.dumps({"optimizer": cls.__name__, "options": glimpse_options, "steps": STEPS})
    save_file(tensors, os.path.join(ROOT, "fixtures", "train", "optim.safetensors"), metadata=metadata)


if __name__ == "__main__":
    main()
