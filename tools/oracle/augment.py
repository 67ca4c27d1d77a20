"""torchvision's RandomResizedCrop, for Glimpse's augmentation (packages/train/src/data/augment.ts).

    /usr/bin/python3 tools/oracle/augment.py      (Debian python3-torch, -torchvision, -pil)

Two kinds of case, written to fixtures/train/augment.json:
- "params": torchvision.transforms.RandomResizedCrop.get_params on a W x H image under
  torch.manual_seed(seed), with every random number it drew recorded (the area fractions, the
  aspect ratios exp(U(log ratio)) as torch computed them in float32, and the randint results),
  and the box it returned. augment.test.ts feeds the same numbers to randomResizedCropBox and
  expects the same box: the algorithm (10 tries, Python rounding, the fallback) is checked
  exactly, independent of the random generator.
- "pixels": F.resized_crop(PIL image, top, left, h, w, size, BICUBIC) of fixtures/images/coffee.png,
  then F.hflip, as uint8 bytes (base64) — what Glimpse's crop + resize + flip must reproduce.
"""
import base64
import json
import os

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.transforms import InterpolationMode, RandomResizedCrop
from torchvision.transforms import functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "fixtures", "train", "augment.json")


class Recorder:
    """Wraps Tensor.uniform_ and torch.randint to log what get_params drew."""

    def __init__(self):
        self.uniform, self.integers = [], []

    def __enter__(self):
        self._uniform, self._randint = torch.Tensor.uniform_, torch.randint
        rec = self

        def uniform_(t, lo=0.0, hi=1.0, **kw):
            out = rec._uniform(t, lo, hi, **kw)
            rec.uniform.append(out.clone())
            return out

        def randint(*args, **kw):
            out = rec._randint(*args, **kw)
            rec.integers.append(int(out.item()))
            return out

        torch.Tensor.uniform_, torch.randint = uniform_, randint
        return self

    def __exit__(self, *exc):
        torch.Tensor.uniform_, torch.randint = self._uniform, self._randint


def params_case(width, height, scale, ratio, seed):
    torch.manual_seed(seed)
    img = torch.zeros(3, height, width)
    with Recorder() as rec:
        top, left, h, w = RandomResizedCrop.get_params(img, list(scale), list(ratio))
    areas = [float(t.item()) for t in rec.uniform[0::2]]
    aspects = [float(torch.exp(t).item()) for t in rec.uniform[1::2]]
    return {"width": width, "height": height, "scale": list(scale), "ratio": list(ratio), "seed": seed,
            "areas": areas, "aspects": aspects, "integers": rec.integers,
            "box": {"top": top, "left": left, "height": h, "width": w}}


def main():
    cases = []
    for seed in range(12):
        cases.append(params_case(150, 100, (0.5, 1.0), (3 / 4, 4 / 3), seed))
    for seed in range(6):
        cases.append(params_case(64, 64, (0.9, 1.0), (3 / 4, 4 / 3), 100 + seed))
        cases.append(params_case(33, 47, (0.08, 1.0), (3 / 4, 4 / 3), 200 + seed))
    # Every try fails → the central-crop fallback: too large an area, and images whose own
    # aspect lies outside the ratio range (wide, tall) or inside it.
    cases.append(params_case(100, 20, (1.5, 2.0), (3 / 4, 4 / 3), 300))
    cases.append(params_case(20, 100, (1.5, 2.0), (3 / 4, 4 / 3), 301))
    cases.append(params_case(50, 45, (1.5, 2.0), (3 / 4, 4 / 3), 302))

    src = Image.open(os.path.join(ROOT, "fixtures", "images", "coffee.png")).convert("RGB")
    pixels = []
    for (top, left, h, w, size) in [(10, 20, 80, 100, (32, 32)), (0, 0, 100, 150, (24, 40)), (37, 51, 41, 29, (48, 48)), (5, 9, 13, 17, (16, 16))]:
        out = F.resized_crop(src, top, left, h, w, list(size), InterpolationMode.BICUBIC)
        flipped = F.hflip(out)
        pixels.append({"box": {"top": top, "left": left, "height": h, "width": w}, "size": {"height": size[0], "width": size[1]},
                       "crop": base64.b64encode(np.asarray(out, dtype=np.uint8).tobytes()).decode(),
                       "flipped": base64.b64encode(np.asarray(flipped, dtype=np.uint8).tobytes()).decode()})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "tools/oracle/augment.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
                   "params": cases, "pixels": pixels}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} get_params cases, {len(pixels)} pixel cases")


if __name__ == "__main__":
    main()
