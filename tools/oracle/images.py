"""The PIL oracle for image decoding and the CLIP/BLIP image processors: writes fixtures/images/.

    /usr/bin/python3 tools/oracle/images.py

Needs Debian's python3-pil, python3-skimage (its sample photos), python3-torch and
python3-torchvision (only for torchvision's center-crop rule); CI has none of them, so the
outputs are committed. A rerun writes the same bytes (no randomness; PIL's encoders are
deterministic for fixed settings).

It writes
  * source images, small (each under 100 KB): three skimage photos of different aspect ratios
    (astronaut, chelsea, coffee) and the grayscale camera, as baseline / progressive JPEG with
    4:2:0 / 4:2:2 / 4:4:4 chroma, grayscale JPEG and 8-bit PNG, plus PNGs in the other colour types PIL's convert('RGB')
    handles: RGBA, gray+alpha, palette with tRNS, RGB with a tRNS colour, 1-bit, 16-bit gray,
    16-bit RGBA and Adam7-interlaced RGB (written by hand below: PIL cannot write them), and a
    tiny CMYK JPEG;
  * reference.safetensors (the one 224-pixel case, clip224.coffee, is kept as SHA-256 digests
    of the same arrays in its metadata, to keep the file small):
      decode.<file>           uint8 [H,W,3]: PIL's Image.open(...).convert('RGB')
                              (16-bit gray: the high byte, see DECODE_NOTES)
      <case>.resized          uint8 [h,w,3]: PIL resize of the PIL-decoded pixels
      <case>.cropped          uint8: Hugging Face's center crop (floor rounding, zero padding)
      <case>.cropped_tv       uint8: torchvision's F.center_crop of the resized PIL image
                              (only where its box differs from HF's)
      <case>.pixel_values     float32 [1,3,H,W]: HF's rescale (float64 multiply, then float32)
                              and normalize (float32 (x - mean) / std), channels first
                              (for the cases marked keep_tensor)
    and __metadata__[<case>] = JSON {source, processor, config (HF preprocessor_config.json
    fields), resized [h,w], box [top,left] (HF), box_tv [top,left] (torchvision)}.

The processor steps follow the Hugging Face "slow" (PIL-backed) CLIPImageProcessor and
BlipImageProcessor of transformers 4.x; transformers itself is not installed here, so the steps
are written out: convert('RGB') -> shortest edge resized to `size`, the other side
int(size * long / short) (BLIP / {height,width}: both sides given) -> Image.resize(resample) ->
center crop with top = (H - h) // 2 (zero padding, ceil on the leading side, when the crop is
larger) -> x.astype(float64) * rescale_factor -> float32 -> (x - mean) / std in float32.
"""
import hashlib
import json
import math
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image
from skimage import data as skdata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "fixtures", "images")
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
DECODE_NOTES = {
    "gray16.png": "PIL 9.4 opens 16-bit gray as mode I and convert('RGB') clips values above 255 "
    "(nearly all white); the reference here is the high byte (v >> 8), as PIL does for 16-bit RGB(A)",
}


# ---- sources ----
def png_bytes(width, height, color_type, depth, rows, extra_chunks=(), interlace=0):
    """A PNG written by hand (filter 0 on every row) for what PIL cannot save (16-bit RGBA, Adam7)."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + b"".join(chunk(k, b) for k, b in extra_chunks)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def adam7_rows(pixels):
    """Rows of an Adam7-interlaced image (PNG's 7 passes, each a small image), for png_bytes."""
    rows = []
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        sub = pixels[y0::dy, x0::dx]
        if sub.shape[0] and sub.shape[1]:
            rows += [sub[y].tobytes() for y in range(sub.shape[0])]
    return rows


def shrink(img, size):
    return img.resize(size, Image.LANCZOS)


def write_sources():
    astronaut = Image.fromarray(skdata.astronaut())  # 512x512
    chelsea = Image.fromarray(skdata.chelsea())  # 451x300
    coffee = Image.fromarray(skdata.coffee())  # 600x400
    camera = Image.fromarray(skdata.camera())  # 512x512, L
    out = {}

    def save(name, img, **kw):
        path = os.path.join(OUT_DIR, name)
        img.save(path, **kw)
        out[name] = path

    # Baseline JPEG, 4:2:0 chroma (PIL's default): the common case on the web.
    save("astronaut.jpg", shrink(astronaut, (192, 192)), quality=90)
    # Progressive, 4:4:4, odd width.
    save("chelsea.jpg", shrink(chelsea, (241, 160)), quality=90, progressive=True, subsampling=0)
    save("coffee.png", shrink(coffee, (150, 100)), optimize=True)
    # Odd sizes with 4:2:2 and 4:2:0 chroma: the edges of libjpeg's upsampling filter.
    save("coffee_422.jpg", shrink(coffee, (97, 61)), quality=90, subsampling=1)
    save("coffee_420.jpg", shrink(coffee, (99, 67)), quality=85, subsampling=2)
    save("camera_gray.jpg", shrink(camera, (128, 96)), quality=90)
    # RGBA with an alpha ramp that reaches 0 over coloured pixels: convert('RGB') keeps the colour.
    small = np.array(shrink(coffee, (45, 37)))
    alpha = np.tile(np.linspace(0, 255, 45).astype(np.uint8), (37, 1))
    save("rgba.png", Image.fromarray(np.dstack([small, alpha]), "RGBA"))
    gray = np.array(shrink(camera, (33, 21)))
    save("gray_alpha.png", Image.fromarray(np.dstack([gray, 255 - gray]), "LA"))
    # 16 colours -> PIL writes a 4-bit palette; tRNS gives some entries alpha (dropped by convert).
    pal = shrink(chelsea, (40, 30)).quantize(colors=16)
    save("palette.png", pal, bits=4, transparency=bytes(range(0, 256, 16)))
    rgb = shrink(coffee, (20, 16))
    key = rgb.getpixel((3, 2))
    save("rgb_trns.png", rgb, transparency=key)
    save("bilevel.png", shrink(camera, (31, 17)).convert("1"))
    g16 = (np.array(shrink(camera, (37, 29))).astype(np.uint32) * 257 + np.arange(37) * 3).clip(0, 65535)
    save("gray16.png", Image.fromarray(g16.astype(np.uint16), "I;16"))
    rgba16 = np.dstack([np.array(shrink(astronaut, (23, 19))).astype(np.uint16) * 257 + 129, np.full((19, 23), 40000, np.uint16)])
    rgba16_rows = [rgba16[y].astype(">u2").tobytes() for y in range(19)]
    path = os.path.join(OUT_DIR, "rgba16.png")
    with open(path, "wb") as f:
        f.write(png_bytes(23, 19, 6, 16, rgba16_rows))
    out["rgba16.png"] = path
    save("cmyk.jpg", shrink(astronaut, (16, 12)).convert("CMYK"), quality=95)
    # Adam7 interlacing (PIL reads it but cannot write it), odd size so that some passes are tiny.
    inter = np.array(shrink(chelsea, (13, 11)))
    path = os.path.join(OUT_DIR, "interlaced.png")
    with open(path, "wb") as f:
        f.write(png_bytes(13, 11, 2, 8, adam7_rows(inter), interlace=1))
    out["interlaced.png"] = path
    return out


def decoded(name, path):
    img = Image.open(path)
    if name == "gray16.png":
        v = np.array(img).astype(np.uint32) >> 8
        return np.repeat(v.astype(np.uint8)[:, :, None], 3, axis=2)
    return np.array(img.convert("RGB"))


# ---- the processor steps (see the module docstring) ----
def resize_size(w, h, cfg):
    size = cfg["size"]
    if isinstance(size, int):
        size = {"shortest_edge": size} if cfg["processor"] == "clip" else {"height": size, "width": size}
    if "shortest_edge" in size:
        s = size["shortest_edge"]
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(s * long / short)
        return (new_long, s) if w <= h else (s, new_long)  # (h, w)
    return size["height"], size["width"]


def hf_center_crop(a, ch, cw):
    """HF: top = (H - h) // 2 on the image zero-padded to at least the crop (padding ceil on top)."""
    h, w = a.shape[:2]
    nh, nw = max(ch, h), max(cw, w)
    padded = np.zeros((nh, nw, 3), np.uint8)
    tp, lp = math.ceil((nh - h) / 2), math.ceil((nw - w) / 2)
    padded[tp : tp + h, lp : lp + w] = a
    top, left = (h - ch) // 2 + tp, (w - cw) // 2 + lp
    # The box in the image's own coordinates (negative where it reaches into the padding).
    return padded[top : top + ch, left : left + cw], [(h - ch) // 2, (w - cw) // 2]


def tv_start(n, c):
    """torchvision's crop start on one axis, in the image's coordinates: it pads (c - n) // 2 in
    front when the crop is larger, else rounds (n - c) / 2 half to even (Python's round)."""
    return -((c - n) // 2) if c > n else int(round((n - c) / 2.0))


def run_case(tensors, meta, case, source, pixels, cfg):
    img = Image.fromarray(pixels)
    h, w = pixels.shape[:2]
    info = {"source": source, "processor": cfg["processor"], "config": {k: v for k, v in cfg.items() if k not in ("processor", "keep_tensor")}}
    if cfg.get("do_resize", True):
        rh, rw = resize_size(w, h, cfg)
        img = img.resize((rw, rh), resample=cfg.get("resample", 3))
        tensors[f"{case}.resized"] = torch.from_numpy(np.array(img))
        info["resized"] = [rh, rw]
    a = np.array(img)
    if cfg.get("do_center_crop", cfg["processor"] == "clip"):
        crop = cfg["crop_size"]
        ch, cw = (crop, crop) if isinstance(crop, int) else (crop["height"], crop["width"])
        a, info["box"] = hf_center_crop(a, ch, cw)
        tv = np.array(TF.center_crop(img, [ch, cw]))
        info["box_tv"] = [tv_start(img.size[1], ch), tv_start(img.size[0], cw)]
        if info["box_tv"] != info["box"] or case == "clip224.coffee":  # only where the rules differ
            tensors[f"{case}.cropped_tv"] = torch.from_numpy(tv)
        tensors[f"{case}.cropped"] = torch.from_numpy(np.ascontiguousarray(a))
    x = (a.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    mean, std = np.array(MEAN, np.float32), np.array(STD, np.float32)
    x = (x - mean) / std
    if cfg.get("keep_tensor") or case == "clip224.coffee":
        tensors[f"{case}.pixel_values"] = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))
    meta[case] = json.dumps(info, sort_keys=True)


CASES = [
    # case, source, config (HF preprocessor_config.json fields; processor says which class)
    # The real CLIP config, upscaling 150x100 -> 336x224: stored as SHA-256 digests (see main).
    ("clip224.coffee", "coffee.png", {"processor": "clip", "size": {"shortest_edge": 224}, "crop_size": {"height": 224, "width": 224}}),
    # Strong downscales (antialiasing), crop sizes chosen so that HF (floor) and torchvision
    # (round half to even) pick different boxes.
    ("clip.chelsea", "chelsea.jpg", {"processor": "clip", "size": 64, "crop_size": 57, "keep_tensor": True}),
    ("clip.astronaut", "astronaut.jpg", {"processor": "clip", "size": {"shortest_edge": 48}, "crop_size": 41}),
    ("clip.camera_gray", "camera_gray.jpg", {"processor": "clip", "size": 40, "crop_size": {"height": 33, "width": 37}, "keep_tensor": True}),
    ("clip.coffee", "coffee.png", {"processor": "clip", "size": {"shortest_edge": 70}, "crop_size": 63}),
    # Upscaling a small image: bicubic overshoot clipped to 0..255.
    ("clip.rgba", "rgba.png", {"processor": "clip", "size": 64, "crop_size": 61}),
    ("bilinear.coffee", "coffee.png", {"processor": "clip", "size": 50, "crop_size": 45, "resample": 2}),
    ("bilinear.rgba", "rgba.png", {"processor": "clip", "size": 60, "crop_size": 55, "resample": 2}),
    # Crop larger than the image: zero padding (HF: ceil on top/left; torchvision: floor).
    ("pad.palette", "palette.png", {"processor": "clip", "do_resize": False, "crop_size": {"height": 35, "width": 43}, "keep_tensor": True}),
    # BLIP: both sides resized, no crop.
    ("blip.chelsea", "chelsea.jpg", {"processor": "blip", "size": {"height": 48, "width": 40}, "keep_tensor": True}),
    ("blip.astronaut", "astronaut.jpg", {"processor": "blip", "size": 56}),
    ("blip.gray16", "gray16.png", {"processor": "blip", "size": 24}),
]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    paths = write_sources()
    tensors, meta = {}, {}
    pixels = {}
    for name, path in paths.items():
        if name == "cmyk.jpg":
            continue  # an error for Glimpse (see decode.ts); its PIL decode is kept for the record below
        pixels[name] = decoded(name, path)
        tensors[f"decode.{name}"] = torch.from_numpy(pixels[name])
    tensors["decode.cmyk.jpg"] = torch.from_numpy(np.array(Image.open(paths["cmyk.jpg"]).convert("RGB")))
    for case, source, cfg in CASES:
        run_case(tensors, meta, case, source, pixels[source], cfg)
    # The 224 case would take 1 MB as tensors: keep the SHA-256 of PIL's uint8 crop and of the
    # float32 pixel values (little-endian, [1,3,224,224]) instead; equal digests mean exact.
    info = json.loads(meta["clip224.coffee"])
    for part in ("resized", "cropped", "cropped_tv", "pixel_values"):
        t = tensors.pop(f"clip224.coffee.{part}")
        info[f"sha256_{part}"] = hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()
    meta["clip224.coffee"] = json.dumps(info, sort_keys=True)
    meta["_notes"] = json.dumps(DECODE_NOTES)
    meta["_versions"] = json.dumps({"PIL": Image.__version__, "numpy": np.__version__, "torch": torch.__version__})
    out = os.path.join(OUT_DIR, "reference.safetensors")
    save_file(tensors, out, metadata=meta)
    total = 0
    for name in sorted(os.listdir(OUT_DIR)):
        size = os.path.getsize(os.path.join(OUT_DIR, name))
        total += size
        print(f"{name:28s} {size:8d} bytes")
    print(f"{'total':28s} {total:8d} bytes")


if __name__ == "__main__":
    main()
