"""Shared by the PyTorch peers: time a training step the way benchmark.js times Glimpse's."""
import json
import time

import torch


def report_step_time(step, steps, warmup=3):
    """Runs `warmup` untimed steps, times `steps` more, prints one JSON line for the bench."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds_per_step": elapsed / steps, "threads": torch.get_num_threads(), "torch": torch.__version__}))
