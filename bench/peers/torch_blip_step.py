"""PyTorch peer for bench/train-step.bench.ts: the same tiny BLIP pre-training step, on CPU.

    /usr/bin/python3 bench/peers/torch_blip_step.py '<json config>' <batch> <steps> <threads>

Reuses the hand-written HF-named BLIP of tools/oracle/blip.py (ViT, MED text encoder with
cross-attention, the decoder sharing all but self-attention, ITC + ITM + LM) and trains it with
AdamW (lr 1e-3, weight decay 0.01, as the Glimpse side) on random pixels and ids. The batch is
the one the Glimpse side builds: caption b has 8 + (5·b mod 17) tokens ([CLS] … [SEP]), padded
to max_position_embeddings; token values are random on each side (they do not change the work).

Hard negatives are drawn every step as BLIP draws them, and as Glimpse's BlipPretrain does:
weights softmax(sim) + 1e-4 with a zero diagonal from the step's own ITC similarities (no
gradient), one multinomial draw per row, texts' negative images first. The oracle's forward
takes the draw as a callback and makes it where BLIP does (same modules, same order of
operations, same losses as the fixtures were made with). The two sides draw with their
own seeded generators, so the picks differ; their cost does not depend on which rows are picked.

Prints one JSON line: {"seconds_per_step": …, "threads": …, "torch": …}.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import report_step_time  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "oracle"))
from blip import BlipPretrain, hard_negative_weights  # noqa: E402


def caption_lengths(batch, max_len):
    return [min(8 + (5 * b) % 17, max_len) for b in range(batch)]


def hard_negatives(draws):
    """BLIP's draw: one multinomial pick per row from softmax(sim) + 1e-4 with a zero diagonal, texts' negative images first."""

    def draw(sim_i2t, sim_t2i):
        neg_image_for_text = torch.multinomial(hard_negative_weights(sim_t2i), 1, generator=draws)[:, 0]
        neg_text_for_image = torch.multinomial(hard_negative_weights(sim_i2t), 1, generator=draws)[:, 0]
        return neg_image_for_text, neg_text_for_image

    return draw


def main():
    config, batch, steps, threads = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = BlipPretrain(config)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    t, v = config["text_config"], config["vision_config"]
    T, V = t["max_position_embeddings"], t["vocab_size"]
    pixels = torch.randn(batch, 3, v["image_size"], v["image_size"])
    ids = torch.full((batch, T), t["pad_token_id"], dtype=torch.long)
    for b, n in enumerate(caption_lengths(batch, T)):
        ids[b, 1 : n - 1] = torch.randint(3, V - 2, (n - 2,))
        ids[b, 0], ids[b, n - 1] = 1, t["sep_token_id"]  # [CLS] … [SEP]
    mask = (ids != t["pad_token_id"]).long()
    draw = hard_negatives(torch.Generator().manual_seed(1))

    def step():
        opt.zero_grad()
        loss_itc, loss_itm, loss_lm, _, _ = model(pixels, ids, mask, draw=draw)
        loss = loss_itc + loss_itm + loss_lm
        loss.backward()
        opt.step()
        # Glimpse's blipTask reads the four losses back for logging: so does this step.
        return [x.item() for x in (loss, loss_itc, loss_itm, loss_lm)]

    report_step_time(step, steps)


if __name__ == "__main__":
    main()
