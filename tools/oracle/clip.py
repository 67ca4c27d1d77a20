"""The PyTorch oracle for Glimpse's CLIPModel: a tiny CLIP written here with Hugging Face names.

    /usr/bin/python3 tools/oracle/clip.py

Writes
  fixtures/clip/tiny/config.json + model.safetensors   an HF-style checkpoint directory (float32)
  fixtures/clip/tiny_reference.safetensors             inputs, outputs, loss and every gradient,
                                                       in float32 and (same weights) float64

The model follows transformers' CLIPModel (v4.x) operation by operation: token + position
embeddings, causal + padding masks, pre-LN blocks with QuickGELU, final_layer_norm, pooling at
the first eos_token_id; ViT with a bias-free patch conv, class embedding, pre_layrnorm,
post_layernorm on [CLS]; projections without bias; logits = exp(logit_scale)·cos; the symmetric
cross-entropy loss. Weights are redrawn N(0, 0.1²) (LayerNorm gains around 1) so nothing is
trivially zero or one. packages/models/src/clip/parity.test.ts loads the directory with
CLIPModel.fromPretrained and compares.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402
from ops import use_reference_blas  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "fixtures", "clip")

CONFIG = {
    "model_type": "clip",
    "projection_dim": 16,
    "logit_scale_init_value": math.log(1 / 0.07),
    "text_config": {
        "vocab_size": 64, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 2, "max_position_embeddings": 12, "hidden_act": "quick_gelu",
        "layer_norm_eps": 1e-5, "pad_token_id": 0, "bos_token_id": 62, "eos_token_id": 63,
    },
    "vision_config": {
        "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
        "num_channels": 3, "image_size": 16, "patch_size": 4, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
    },
}


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, mask):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, self.dh).transpose(1, 2)
        q = split(self.q_proj(x) * self.dh ** -0.5)
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        w = q @ k.transpose(-1, -2)
        if mask is not None:
            w = w + mask
        return self.out_proj((w.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))


class MLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(quick_gelu(self.fc1(x)))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.self_attn = Attention(d, c["num_attention_heads"])
        self.layer_norm1 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.mlp = MLP(d, c["intermediate_size"])
        self.layer_norm2 = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, x, mask):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class TextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.token_embedding = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])


class TextTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embeddings = TextEmbeddings(c)
        self.encoder = Encoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, ids, attention_mask):
        b, t = ids.shape
        x = self.embeddings.token_embedding(ids) + self.embeddings.position_embedding(torch.arange(t))
        low = torch.finfo(x.dtype).min
        causal = torch.full((t, t), low, dtype=x.dtype).triu(1)[None, None]
        padding = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * low
        h = self.final_layer_norm(self.encoder(x, causal + padding))
        eos = (ids == self.c["eos_token_id"]).int().argmax(-1)
        return h, h[torch.arange(b), eos]


class VisionEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["hidden_size"], c["patch_size"]
        self.class_embedding = nn.Parameter(torch.zeros(d))
        self.patch_embedding = nn.Conv2d(c["num_channels"], d, kernel_size=p, stride=p, bias=False)
        self.position_embedding = nn.Embedding((c["image_size"] // p) ** 2 + 1, d)

    def forward(self, pixels):
        b = pixels.shape[0]
        patches = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_embedding.expand(b, 1, -1), patches], dim=1)
        return x + self.position_embedding(torch.arange(x.shape[1]))


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = VisionEmbeddings(c)
        self.pre_layrnorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.encoder = Encoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, pixels):
        h = self.encoder(self.pre_layrnorm(self.embeddings(pixels)))
        return h, self.post_layernorm(h[:, 0])


class CLIP(nn.Module):
    def __init__(self, c):
        super().__init__()
        t, v = c["text_config"], c["vision_config"]
        self.text_model = TextTransformer(t)
        self.vision_model = VisionTransformer(v)
        self.visual_projection = nn.Linear(v["hidden_size"], c["projection_dim"], bias=False)
        self.text_projection = nn.Linear(t["hidden_size"], c["projection_dim"], bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(c["logit_scale_init_value"]))

    def forward(self, pixels, ids, attention_mask):
        image = F.normalize(self.visual_projection(self.vision_model(pixels)[1]), dim=-1)
        text = F.normalize(self.text_projection(self.text_model(ids, attention_mask)[1]), dim=-1)
        logits_per_text = text @ image.t() * self.logit_scale.exp()
        logits_per_image = logits_per_text.t()
        labels = torch.arange(len(ids))
        loss = (F.cross_entropy(logits_per_text, labels) + F.cross_entropy(logits_per_image, labels)) / 2
        return logits_per_image, image, text, loss


def main():
    torch.manual_seed(0)
    model = CLIP(CONFIG)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale":
                continue
            noise = torch.randn(p.shape) * 0.1
            p.copy_(noise + 1 if ("norm" in name and name.endswith("weight")) else noise)
    pixels = torch.randn(3, 3, 16, 16)
    ids = torch.tensor([
        [62, 5, 9, 17, 63, 0, 0, 0, 0, 0, 0, 0],
        [62, 40, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [62, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 63],
    ])
    attention_mask = (ids != 0).int()
    logits_per_image, image_embeds, text_embeds, loss = model(pixels, ids, attention_mask)
    loss.backward()
    # The same weights and inputs in float64: float32 rounding cannot hide a real difference there.
    model64 = CLIP(CONFIG).double()
    model64.load_state_dict(model.state_dict())
    logits64, _, _, loss64 = model64(pixels.double(), ids, attention_mask)
    loss64.backward()

    directory = os.path.join(OUT, "tiny")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    weights = {name: p.detach() for name, p in model.named_parameters()}
    # HF checkpoints carry position_ids buffers; Glimpse must skip them.
    weights["text_model.embeddings.position_ids"] = torch.arange(12)[None]
    save_file(weights, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})
    reference = {
        "input/pixel_values": pixels,
        "input/input_ids": ids.int(),
        "input/attention_mask": attention_mask,
        "out/logits_per_image": logits_per_image.detach(),
        "out/image_embeds": image_embeds.detach(),
        "out/text_embeds": text_embeds.detach(),
        "out/loss": loss.detach(),
        **{f"grad/{name}": p.grad for name, p in model.named_parameters()},
        "f64/out/logits_per_image": logits64.detach(),
        "f64/out/loss": loss64.detach(),
        **{f"f64/grad/{name}": p.grad for name, p in model64.named_parameters()},
    }
    save_file(reference, os.path.join(OUT, "tiny_reference.safetensors"), metadata={"_torch": torch.__version__})


if __name__ == "__main__":
    use_reference_blas()  # fixture bytes must not depend on the BLAS installed (see ops.py)
    main()
