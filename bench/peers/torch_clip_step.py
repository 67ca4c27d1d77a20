"""PyTorch peer for bench/train-step.bench.ts: the same tiny CLIP training step, on CPU.

    /usr/bin/python3 bench/peers/torch_clip_step.py '<json config>' <batch> <steps> <threads>

Reuses the hand-written HF-named CLIP of tools/oracle/clip.py, trains it with AdamW on random
pixels and ids, and prints one JSON line: {"seconds_per_step": …, "threads": …, "torch": …}.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import report_step_time  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "oracle"))
from clip import CLIP  # noqa: E402


def main():
    config, batch, steps, threads = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = CLIP(config)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    t, v = config["text_config"], config["vision_config"]
    pixels = torch.randn(batch, 3, v["image_size"], v["image_size"])
    ids = torch.randint(1, t["vocab_size"] - 2, (batch, t["max_position_embeddings"]))
    ids[:, -1] = t["eos_token_id"]
    mask = torch.ones_like(ids, dtype=torch.int32)

    def step():
        opt.zero_grad()
        loss = model(pixels, ids, mask)[3]
        loss.backward()
        opt.step()

    report_step_time(step, steps)


if __name__ == "__main__":
    main()
