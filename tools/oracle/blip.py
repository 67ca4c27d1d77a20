"""The PyTorch oracle for Glimpse's BLIP: a tiny BLIP written here with Hugging Face names.

    /usr/bin/python3 tools/oracle/blip.py

Writes (under fixtures/blip/)
  pretrain_reference.safetensors   a tiny BLIP pre-training model (ViT + MED text encoder with
                                   cross-attention + the decoder that shares every parameter with
                                   the encoder except self-attention): weights, inputs, the pinned
                                   hard negatives (and the weights they were drawn from), ITC, ITM
                                   and LM losses and every parameter's gradient, in float32 and
                                   (same weights) float64; plus a momentum-distillation ITC case
  retrieval-tiny/                  an HF BlipForImageTextRetrieval directory (config.json +
                                   model.safetensors with a position_ids buffer)
  captioning-tiny/                 an HF BlipForConditionalGeneration directory (the tied
                                   `cls.predictions.decoder.weight` written, `decoder.bias` not)
  hf_reference.safetensors         inputs and outputs of both HF classes

The modules follow the original BLIP (models/blip_pretrain.py, med.py, vit.py) and transformers'
modeling_blip*.py operation by operation: timm ViT with fused qkv, exact GELU and LayerNorm on
every token (HF's pooler applies post_layernorm once more); BERT post-LN layers with
cross-attention between self-attention and the FFN, additive masks (1 − m)·−10000, causal for the
decoder; LM head dense → GELU → LayerNorm → tied word embeddings + bias. Weights are redrawn
N(0, 0.1²) (LayerNorm gains around 1) so nothing is trivially zero or one.
packages/models/src/blip/parity.test.ts replays everything.
"""
import copy
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
OUT = os.path.join(ROOT, "fixtures", "blip")

PAD, CLS, SEP, DEC, ENC = 0, 1, 2, 38, 39
VISION = {
    "hidden_size": 12, "intermediate_size": 24, "num_hidden_layers": 2, "num_attention_heads": 2,
    "num_channels": 3, "image_size": 12, "patch_size": 4, "hidden_act": "gelu", "layer_norm_eps": 1e-6,
    "attention_dropout": 0.0,
}
TEXT = {
    "vocab_size": 40, "hidden_size": 16, "encoder_hidden_size": 12, "intermediate_size": 32,
    "num_hidden_layers": 2, "num_attention_heads": 2, "max_position_embeddings": 12, "hidden_act": "gelu",
    "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
    "pad_token_id": PAD, "bos_token_id": DEC, "eos_token_id": SEP, "sep_token_id": SEP,
}
CONFIG = {
    "model_type": "blip", "image_text_hidden_size": 8, "projection_dim": 8, "logit_scale_init_value": 2.6592,
    "text_config": TEXT, "vision_config": VISION,
}
PRETRAIN = {**CONFIG, "temp_init": 0.07, "enc_token_id": ENC, "lm_label_smoothing": 0.1}
IDS = [
    [CLS, 5, 9, 17, SEP, PAD, PAD, PAD],
    [CLS, 30, SEP, PAD, PAD, PAD, PAD, PAD],
    [CLS, 3, 4, 5, 6, 7, 8, SEP],
    [CLS, 11, 12, 13, SEP, PAD, PAD, PAD],
]


# ---- vision (timm layout, HF names) ----
class BlipAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.heads, self.dh = c["num_attention_heads"], d // c["num_attention_heads"]
        self.qkv = nn.Linear(d, 3 * d)
        self.projection = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        w = (q @ k.transpose(-1, -2)) * self.dh ** -0.5
        return self.projection((w.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, t, d))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1 = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.fc2 = nn.Linear(c["intermediate_size"], c["hidden_size"])

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class VisionLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.self_attn = BlipAttention(c)
        self.layer_norm1 = nn.LayerNorm(d, eps=eps)
        self.mlp = MLP(c)
        self.layer_norm2 = nn.LayerNorm(d, eps=eps)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class VisionEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(VisionLayer(c) for _ in range(c["num_hidden_layers"]))


class VisionEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["hidden_size"], c["patch_size"]
        self.class_embedding = nn.Parameter(torch.zeros(1, 1, d))
        self.patch_embedding = nn.Conv2d(c["num_channels"], d, kernel_size=p, stride=p)
        self.position_embedding = nn.Parameter(torch.zeros(1, (c["image_size"] // p) ** 2 + 1, d))

    def forward(self, pixels):
        patches = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_embedding.expand(pixels.shape[0], 1, -1), patches], dim=1)
        return x + self.position_embedding


class VisionModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = VisionEmbeddings(c)
        self.encoder = VisionEncoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, pixels):
        h = self.embeddings(pixels)
        for layer in self.encoder.layers:
            h = layer(h)
        last = self.post_layernorm(h)
        return last, self.post_layernorm(last[:, 0])  # HF's pooler_output: post_layernorm twice


# ---- MED text model (BERT, HF BLIP names) ----
class TextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], d, padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], d)
        self.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, ids):
        x = self.word_embeddings(ids) + self.position_embeddings(torch.arange(ids.shape[1]))
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, c, kv_width):
        super().__init__()
        d = c["hidden_size"]
        self.heads, self.dh = c["num_attention_heads"], d // c["num_attention_heads"]
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(kv_width, d)
        self.value = nn.Linear(kv_width, d)

    def forward(self, h, context, mask):
        b = h.shape[0]
        split = lambda y: y.view(b, -1, self.heads, self.dh).transpose(1, 2)
        q, k, v = split(self.query(h)), split(self.key(context)), split(self.value(context))
        w = q @ k.transpose(-1, -2) / math.sqrt(self.dh)
        if mask is not None:
            w = w + mask
        return (w.softmax(-1) @ v).transpose(1, 2).reshape(b, -1, self.heads * self.dh)


class SelfOutput(nn.Module):
    def __init__(self, width, c):
        super().__init__()
        self.dense = nn.Linear(width, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self, c, kv_width):
        super().__init__()
        self.self = SelfAttention(c, kv_width)
        self.output = SelfOutput(c["hidden_size"], c)

    def forward(self, h, context, mask):
        return self.output(self.self(h, context, mask), h)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))


class TextLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c, c["hidden_size"])
        self.crossattention = Attention(c, c["encoder_hidden_size"])
        self.intermediate = Intermediate(c)
        self.output = SelfOutput(c["intermediate_size"], c)

    def forward(self, h, mask, image):
        h = self.attention(h, h, mask)
        if image is not None:
            h = self.crossattention(h, image, None)  # all image tokens real: HF's inverted mask is 0
        return self.output(self.intermediate(h), h)


class TextEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(TextLayer(c) for _ in range(c["num_hidden_layers"]))


def extended_mask(attention_mask, causal, dtype):
    """HF BlipTextModel.get_extended_attention_mask: (1 − mask)·−10000, causal · padding for the decoder."""
    b, t = attention_mask.shape
    m = attention_mask[:, None, None, :].to(dtype)
    if causal:
        seq = torch.arange(t)
        m = (seq[None, None, :] <= seq[None, :, None]).to(dtype)[:, None] * m
    return (1.0 - m) * -10000.0


class TextModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = TextEmbeddings(c)
        self.encoder = TextEncoder(c)

    def forward(self, ids, attention_mask, image=None, causal=False):
        h = self.embeddings(ids)
        mask = extended_mask(attention_mask, causal, h.dtype)
        for layer in self.encoder.layer:
            h = layer(h, mask, image)
        return h


class Transform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])


class Predictions(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = Transform(c)
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"])
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.decoder.bias = self.bias

    def forward(self, h):
        t = self.transform
        return self.decoder(t.LayerNorm(F.gelu(t.dense(h))))


class Cls(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = Predictions(c)


class TextLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = TextModel(c)
        self.cls = Cls(c)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, ids, attention_mask, image):
        return self.cls.predictions(self.bert(ids, attention_mask, image, causal=True))


def lm_loss(logits, labels, smoothing):
    """BLIP/HF BertLMHeadModel: logits[:, :-1] predict labels[:, 1:], mean over non-ignored, label smoothing."""
    v = logits.shape[-1]
    return F.cross_entropy(logits[:, :-1].reshape(-1, v), labels[:, 1:].reshape(-1), ignore_index=-100, label_smoothing=smoothing)


def with_first(ids, token):
    ids = ids.clone()
    ids[:, 0] = token
    return ids


class BlipPretrain(nn.Module):
    """blip_pretrain.BLIP_Pretrain without momentum encoders (in-batch ITC); names as Glimpse's BlipPretrain."""

    def __init__(self, c):
        super().__init__()
        t, v, e = c["text_config"], c["vision_config"], c["image_text_hidden_size"]
        self.c = c
        self.vision_model = VisionModel(v)
        self.text_encoder = TextModel(t)
        self.text_decoder = TextLMHead(t)
        # Share everything but the self-attention (tie_encoder_decoder_weights skipping '/attention').
        self.text_decoder.bert.embeddings = self.text_encoder.embeddings
        for dec, enc in zip(self.text_decoder.bert.encoder.layer, self.text_encoder.encoder.layer):
            dec.crossattention, dec.intermediate, dec.output = enc.crossattention, enc.intermediate, enc.output
        self.text_decoder.cls.predictions.decoder.weight = self.text_encoder.embeddings.word_embeddings.weight
        self.vision_proj = nn.Linear(v["hidden_size"], e)
        self.text_proj = nn.Linear(t["hidden_size"], e)
        self.itm_head = nn.Linear(t["hidden_size"], 2)
        self.temp = nn.Parameter(torch.tensor(c["temp_init"]))

    def similarities(self, pixels, ids, mask):
        image_embeds, _ = self.vision_model(pixels)
        image_feat = F.normalize(self.vision_proj(image_embeds[:, 0]), dim=-1)
        text = self.text_encoder(ids, mask)
        text_feat = F.normalize(self.text_proj(text[:, 0]), dim=-1)
        return image_embeds, image_feat @ text_feat.t() / self.temp, text_feat @ image_feat.t() / self.temp

    def forward(self, pixels, ids, mask, neg_image_for_text=None, neg_text_for_image=None, draw=None):
        """The three losses with pinned negatives, or with `draw(sim_i2t, sim_t2i)` -> (neg_image_for_text,
        neg_text_for_image) called where BLIP's blip_pretrain.py draws them (bench/peers/torch_blip_step.py)."""
        with torch.no_grad():
            self.temp.clamp_(0.001, 0.5)
        image_embeds, sim_i2t, sim_t2i = self.similarities(pixels, ids, mask)
        bs = ids.shape[0]
        targets = torch.arange(bs)
        loss_itc = (F.cross_entropy(sim_i2t, targets) + F.cross_entropy(sim_t2i, targets)) / 2
        if draw is not None:
            with torch.no_grad():
                neg_image_for_text, neg_text_for_image = draw(sim_i2t, sim_t2i)
        enc_ids = with_first(ids, self.c["enc_token_id"])
        output_pos = self.text_encoder(enc_ids, mask, image_embeds)
        text_ids_all = torch.cat([enc_ids, enc_ids[neg_text_for_image]])
        text_atts_all = torch.cat([mask, mask[neg_text_for_image]])
        image_embeds_all = torch.cat([image_embeds[neg_image_for_text], image_embeds])
        output_neg = self.text_encoder(text_ids_all, text_atts_all, image_embeds_all)
        vl = torch.cat([output_pos[:, 0], output_neg[:, 0]])
        itm_logits = self.itm_head(vl)
        itm_labels = torch.cat([torch.ones(bs, dtype=torch.long), torch.zeros(2 * bs, dtype=torch.long)])
        loss_itm = F.cross_entropy(itm_logits, itm_labels)
        dec_ids = with_first(ids, self.c["text_config"]["bos_token_id"])
        labels = dec_ids.masked_fill(dec_ids == self.c["text_config"]["pad_token_id"], -100)
        lm_logits = self.text_decoder(dec_ids, mask, image_embeds)
        loss_lm = lm_loss(lm_logits, labels, self.c["lm_label_smoothing"])
        return loss_itc, loss_itm, loss_lm, itm_logits, lm_logits


def redraw(model, g):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "temp":
                continue
            noise = torch.randn(p.shape, generator=g) * 0.1
            p.copy_(noise + 1 if ("LayerNorm" in name or "layer_norm" in name or "layernorm" in name) and name.endswith("weight") else noise)


def hard_negative_weights(sim):
    """blip_pretrain: softmax(sim) + 1e-4, diagonal 0 (rows sample the negatives)."""
    w = F.softmax(sim, dim=1) + 1e-4
    w.fill_diagonal_(0)
    return w


def pretrain_fixture():
    g = torch.Generator().manual_seed(0)
    model = BlipPretrain(PRETRAIN)
    redraw(model, g)
    pixels = torch.randn(4, 3, 12, 12, generator=g)
    ids = torch.tensor(IDS)
    mask = (ids != PAD).long()
    with torch.no_grad():
        _, sim_i2t, sim_t2i = model.similarities(pixels, ids, mask)
        weights_t2i, weights_i2t = hard_negative_weights(sim_t2i), hard_negative_weights(sim_i2t)
        draws = torch.Generator().manual_seed(1)
        neg_image = torch.stack([torch.multinomial(weights_t2i[b], 1, generator=draws)[0] for b in range(4)])
        neg_text = torch.stack([torch.multinomial(weights_i2t[b], 1, generator=draws)[0] for b in range(4)])
    loss_itc, loss_itm, loss_lm, itm_logits, lm_logits = model(pixels, ids, mask, neg_image, neg_text)
    loss = loss_itc + loss_itm + loss_lm
    loss.backward()

    model64 = copy.deepcopy(model).double()  # deepcopy keeps the sharing
    model64.zero_grad()
    out64 = model64(pixels.double(), ids, mask, neg_image, neg_text)
    loss64 = out64[0] + out64[1] + out64[2]
    loss64.backward()

    ref = {
        **{f"weight/{n}": p.detach().clone() for n, p in model.named_parameters()},
        "input/pixel_values": pixels,
        "input/input_ids": ids.int(),
        "input/attention_mask": mask.int(),
        "negatives/image_for_text": neg_image.int(),
        "negatives/text_for_image": neg_text.int(),
        "negatives/weights_t2i": weights_t2i,
        "negatives/weights_i2t": weights_i2t,
        "out/sim_i2t": sim_i2t,
        "out/itm_logits": itm_logits.detach(),
        "out/lm_logits": lm_logits.detach(),
        "out/loss_itc": loss_itc.detach(),
        "out/loss_itm": loss_itm.detach(),
        "out/loss_lm": loss_lm.detach(),
        "out/loss": loss.detach(),
        **{f"grad/{n}": p.grad for n, p in model.named_parameters()},
        "f64/out/loss_itc": out64[0].detach(),
        "f64/out/loss_itm": out64[1].detach(),
        "f64/out/loss_lm": out64[2].detach(),
        "f64/out/loss": loss64.detach(),
        **{f"f64/grad/{n}": p.grad for n, p in model64.named_parameters()},
        **momentum_case(g),
    }
    return ref


def momentum_case(g):
    """BLIP's ITC with momentum distillation on given features: queues, soft targets, alpha (float64)."""
    b, e, q, alpha = 4, 8, 8, 0.4
    unit = lambda *s: F.normalize(torch.randn(*s, generator=g, dtype=torch.float64), dim=-1)
    image_feat, text_feat = unit(b, e).requires_grad_(), unit(b, e).requires_grad_()
    image_feat_m, text_feat_m = unit(b, e), unit(b, e)
    image_queue, text_queue = unit(q, e), unit(q, e)
    temp = torch.tensor(0.07, dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        image_feat_all = torch.cat([image_feat_m, image_queue])
        text_feat_all = torch.cat([text_feat_m, text_queue])
        sim_targets = torch.zeros(b, b + q, dtype=torch.float64)
        sim_targets.fill_diagonal_(1)
        i2t_targets = alpha * F.softmax(image_feat_m @ text_feat_all.t() / temp, dim=1) + (1 - alpha) * sim_targets
        t2i_targets = alpha * F.softmax(text_feat_m @ image_feat_all.t() / temp, dim=1) + (1 - alpha) * sim_targets
    sim_i2t = image_feat @ text_feat_all.t() / temp
    sim_t2i = text_feat @ image_feat_all.t() / temp
    loss_i2t = -torch.sum(F.log_softmax(sim_i2t, dim=1) * i2t_targets, dim=1).mean()
    loss_t2i = -torch.sum(F.log_softmax(sim_t2i, dim=1) * t2i_targets, dim=1).mean()
    loss = (loss_i2t + loss_t2i) / 2
    loss.backward()
    return {
        "momentum/image_feat": image_feat.detach(), "momentum/text_feat": text_feat.detach(),
        "momentum/image_feat_m": image_feat_m, "momentum/text_feat_m": text_feat_m,
        "momentum/image_queue": image_queue, "momentum/text_queue": text_queue,
        "momentum/i2t_targets": i2t_targets, "momentum/t2i_targets": t2i_targets,
        "momentum/loss": loss.detach(),
        "momentum/grad_image_feat": image_feat.grad, "momentum/grad_text_feat": text_feat.grad, "momentum/grad_temp": temp.grad,
    }


class Retrieval(nn.Module):
    """HF BlipForImageTextRetrieval."""

    def __init__(self, c):
        super().__init__()
        t, v, e = c["text_config"], c["vision_config"], c["image_text_hidden_size"]
        self.vision_model = VisionModel(v)
        self.text_encoder = TextModel(t)
        self.vision_proj = nn.Linear(v["hidden_size"], e)
        self.text_proj = nn.Linear(t["hidden_size"], e)
        self.itm_head = nn.Linear(t["hidden_size"], 2)

    def forward(self, pixels, ids, mask, use_itm_head):
        image_embeds, pooled = self.vision_model(pixels)
        if use_itm_head:
            return self.itm_head(self.text_encoder(ids, mask, image_embeds)[:, 0]), pooled
        image_feat = F.normalize(self.vision_proj(image_embeds[:, 0]), dim=-1)
        text_feat = F.normalize(self.text_proj(self.text_encoder(ids, mask)[:, 0]), dim=-1)
        return image_feat @ text_feat.t(), pooled


class Captioning(nn.Module):
    """HF BlipForConditionalGeneration."""

    def __init__(self, c):
        super().__init__()
        self.vision_model = VisionModel(c["vision_config"])
        self.text_decoder = TextLMHead(c["text_config"])

    def forward(self, pixels, ids, mask, labels, smoothing):
        image_embeds, _ = self.vision_model(pixels)
        logits = self.text_decoder(ids, mask, image_embeds)
        return logits, lm_loss(logits, labels, smoothing)


def write_dir(name, config, weights):
    directory = os.path.join(OUT, name)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    save_file(weights, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})


def hf_fixtures():
    g = torch.Generator().manual_seed(2)
    retrieval = Retrieval(CONFIG)
    redraw(retrieval, g)
    caption_config = {**CONFIG, "text_config": {**TEXT, "label_smoothing": 0.05}}
    captioning = Captioning(caption_config)
    redraw(captioning, g)
    pixels = torch.randn(4, 3, 12, 12, generator=g)
    ids = torch.tensor(IDS)
    mask = (ids != PAD).long()
    dec_ids = with_first(ids, DEC)
    labels = dec_ids.masked_fill(mask == 0, -100)
    with torch.no_grad():
        itm, pooled = retrieval(pixels, ids, mask, True)
        itm_enc, _ = retrieval(pixels, with_first(ids, ENC), mask, True)
        cosine, _ = retrieval(pixels, ids, mask, False)
        logits, loss = captioning(pixels, dec_ids, mask, labels, 0.05)

    weights = {n: p.detach() for n, p in retrieval.named_parameters()}
    weights["text_encoder.embeddings.position_ids"] = torch.arange(TEXT["max_position_embeddings"])[None]
    write_dir("retrieval-tiny", CONFIG, weights)
    # named_parameters lists tied weights once (as HF writes them); add the tied decoder.weight
    # under its own name too, as some checkpoints carry it; decoder.bias stays implicit.
    weights = {n: p.detach() for n, p in captioning.named_parameters()}
    weights["text_decoder.cls.predictions.decoder.weight"] = captioning.text_decoder.bert.embeddings.word_embeddings.weight.detach()
    write_dir("captioning-tiny", caption_config, weights)
    return {
        "input/pixel_values": pixels,
        "input/input_ids": ids.int(),
        "input/attention_mask": mask.int(),
        "input/decoder_input_ids": dec_ids.int(),
        "input/labels": labels.int(),
        "retrieval/itm": itm,
        "retrieval/itm_enc": itm_enc,
        "retrieval/cosine": cosine,
        "retrieval/vision_pooler_output": pooled,
        "captioning/logits": logits,
        "captioning/loss": loss,
    }


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    meta = {"_torch": torch.__version__}
    save_file(pretrain_fixture(), os.path.join(OUT, "pretrain_reference.safetensors"), metadata={**meta, "config": json.dumps(PRETRAIN)})
    save_file(hf_fixtures(), os.path.join(OUT, "hf_reference.safetensors"), metadata=meta)


if __name__ == "__main__":
    use_reference_blas()  # fixture bytes must not depend on the BLAS installed (see ops.py)
    main()
