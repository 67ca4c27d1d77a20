"""The PyTorch oracle for Glimpse's nn blocks: writes fixtures/nn/<block>.safetensors.

    /usr/bin/python3 tools/oracle/nn.py

Three files, each with cases in float32 and float64 (the same weights and inputs, cast):
  attention.safetensors     torch.nn.MultiheadAttention (batch_first), its in_proj / out_proj
                            weights stored under Hugging Face CLIP names q_proj/k_proj/v_proj/out_proj
  pre_ln_block.safetensors  a CLIP encoder layer written here with HF names (layer_norm1, self_attn,
                            layer_norm2, mlp.fc1/fc2); its attention maths is torch's
                            F.multi_head_attention_forward
  bert_layer.safetensors    a BLIP-style post-LN BERT layer written here with HF names, attention
                            written out as HF BertSelfAttention does (scores/√dh + (1 − mask)·−10000)

packages/models/src/nn/parity.test.ts loads each case's weights by name, runs forward and backward
with the stored upstream gradient and compares. Conventions (the TS test relies on them):
  * a case is `<name>.<f32|f64>`; its tensors are `<case>/param/<HF key>`, `<case>/input/<label>`,
    `<case>/out`, `<case>/upstream`, `<case>/grad/input/<label>`, `<case>/grad/param/<HF key>`;
  * `__metadata__[<case>]` is JSON {"module": "Attention" | "PreLNBlock" | "BertLayer",
    "config": constructor arguments, "forward": {option: value, or the label of an input tensor}};
  * masks are int32 0/1 (1 = attend, HF attention_mask) or float additive [B, H, Tq, Tk];
  * weights are redrawn N(0, 0.3²) (LayerNorm gains around 1), so no bias is zero and no gain is one;
  * every module is in eval mode (dropout is the identity on both sides).
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
OUT_DIR = os.path.join(ROOT, "fixtures", "nn")
DTYPES = [(torch.float32, "f32"), (torch.float64, "f64")]
ACT = {"gelu": F.gelu, "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x)}


def redraw(module, g):
    """Random weights in float64: biases nonzero, LayerNorm gains away from 1."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.3
            p.copy_(noise + 1 if "norm" in name.lower() and name.endswith("weight") else noise)


def padding_mask(lengths, total):
    """HF attention_mask: 1 for the first `length` tokens of each row, 0 after."""
    return torch.tensor([[1 if t < n else 0 for t in range(total)] for n in lengths], dtype=torch.int32)


def hf_extended_mask(mask, causal, tq, dtype):
    """(1 − m)·−10000 on [B, 1, Tq|1, Tk], m optionally combined with the causal triangle (HF BERT/BLIP)."""
    m = mask[:, None, None, :].to(dtype)
    if causal:
        m = m * torch.tril(torch.ones(tq, mask.shape[1], dtype=dtype))[None, None]
    return (1.0 - m) * -10000.0


# ---- the torch modules, with Hugging Face names ----
class MHA(nn.Module):
    """nn.MultiheadAttention with its weights exposed under HF CLIP names."""

    def __init__(self, dim, heads, kv_dim, bias):
        super().__init__()
        self.mha = nn.MultiheadAttention(dim, heads, bias=bias, batch_first=True, kdim=kv_dim, vdim=kv_dim, dtype=torch.float64)
        self.dim = dim

    def hf_params(self):
        """{HF key: (value, grad)}; the packed in_proj is cut into q, k, v (grads too: a view has none)."""
        m, d = self.mha, self.dim
        pairs = lambda p: (p.detach(), p.grad)
        if m._qkv_same_embed_dim:
            ws = zip(m.in_proj_weight.detach().split(d), m.in_proj_weight.grad.split(d))
        else:
            ws = (pairs(m.q_proj_weight), pairs(m.k_proj_weight), pairs(m.v_proj_weight))
        out = dict(zip(["q_proj.weight", "k_proj.weight", "v_proj.weight"], ws))
        out["out_proj.weight"] = pairs(m.out_proj.weight)
        if m.in_proj_bias is not None:
            out.update(zip(["q_proj.bias", "k_proj.bias", "v_proj.bias"], zip(m.in_proj_bias.detach().split(d), m.in_proj_bias.grad.split(d))))
            out["out_proj.bias"] = pairs(m.out_proj.bias)
        return out

    def forward(self, x, context, mask, causal, additive):
        """mask: HF 0/1 [B, Tk]; additive: [B, H, Tq, Tk] (torch wants [B·H, Tq, Tk], batch-major)."""
        kv = x if context is None else context
        tq, tk = x.shape[1], kv.shape[1]
        attn_mask = None
        if causal:
            attn_mask = torch.ones(tq, tk, dtype=torch.bool).triu(1 + tk - tq)  # True = hidden
        if additive is not None:
            attn_mask = additive.reshape(-1, tq, tk)
        kpm = None if mask is None else mask == 0
        out, _ = self.mha(x, kv, kv, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=False)
        return out


class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(dim, dim, dtype=torch.float64) for _ in range(4))

    def forward(self, x, mask, causal):
        t = x.transpose(0, 1)  # F.multi_head_attention_forward takes [T, B, D]
        attn_mask = torch.ones(t.shape[0], t.shape[0], dtype=torch.bool).triu(1) if causal else None
        out, _ = F.multi_head_attention_forward(
            t, t, t, t.shape[-1], self.heads, None,
            torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]), None, None, False, 0.0,
            self.out_proj.weight, self.out_proj.bias, training=False,
            key_padding_mask=None if mask is None else mask == 0, need_weights=False, attn_mask=attn_mask,
            use_separate_proj_weight=True, q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight,
            v_proj_weight=self.v_proj.weight,
        )
        return out.transpose(0, 1)


class MLP(nn.Module):
    def __init__(self, dim, hidden, act):
        super().__init__()
        self.fc1, self.fc2, self.act = nn.Linear(dim, hidden, dtype=torch.float64), nn.Linear(hidden, dim, dtype=torch.float64), ACT[act]

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class PreLNBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.layer_norm1 = nn.LayerNorm(d, eps=eps, dtype=torch.float64)
        self.self_attn = ClipAttention(d, c["num_attention_heads"])
        self.layer_norm2 = nn.LayerNorm(d, eps=eps, dtype=torch.float64)
        self.mlp = MLP(d, c["intermediate_size"], c["hidden_act"])

    def forward(self, x, mask, causal):
        x = x + self.self_attn(self.layer_norm1(x), mask, causal)
        return x + self.mlp(self.layer_norm2(x))


class BertSelfAttention(nn.Module):
    def __init__(self, d, heads, kv_width):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(d, d, dtype=torch.float64)
        self.key = nn.Linear(kv_width, d, dtype=torch.float64)
        self.value = nn.Linear(kv_width, d, dtype=torch.float64)

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).permute(0, 2, 1, 3)

    def forward(self, h, context, extended_mask):
        kv = h if context is None else context
        q, k, v = self.split(self.query(h)), self.split(self.key(kv)), self.split(self.value(kv))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        if extended_mask is not None:
            scores = scores + extended_mask
        ctx = scores.softmax(-1) @ v
        b, _, t, _ = ctx.shape
        return ctx.permute(0, 2, 1, 3).reshape(b, t, -1)


class BertOutput(nn.Module):
    def __init__(self, width, d, eps):
        super().__init__()
        self.dense = nn.Linear(width, d, dtype=torch.float64)
        self.LayerNorm = nn.LayerNorm(d, eps=eps, dtype=torch.float64)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class BertAttention(nn.Module):
    def __init__(self, d, heads, kv_width, eps):
        super().__init__()
        self.self = BertSelfAttention(d, heads, kv_width)
        self.output = BertOutput(d, d, eps)

    def forward(self, h, context, extended_mask):
        return self.output(self.self(h, context, extended_mask), h)


class BertIntermediate(nn.Module):
    def __init__(self, d, inter, act):
        super().__init__()
        self.dense, self.act = nn.Linear(d, inter, dtype=torch.float64), ACT[act]

    def forward(self, x):
        return self.act(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, heads, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
        self.attention = BertAttention(d, heads, d, eps)
        if c.get("add_cross_attention"):
            self.crossattention = BertAttention(d, heads, c["encoder_width"], eps)
        self.intermediate = BertIntermediate(d, c["intermediate_size"], c["hidden_act"])
        self.output = BertOutput(c["intermediate_size"], d, eps)

    def forward(self, h, mask, causal, encoder_hidden, encoder_mask):
        b, t, _ = h.shape
        self_mask = mask if mask is not None else torch.ones(b, t, dtype=torch.int32)
        h = self.attention(h, None, hf_extended_mask(self_mask, causal, t, h.dtype))
        if encoder_hidden is not None:
            enc_mask = None if encoder_mask is None else hf_extended_mask(encoder_mask, False, t, h.dtype)
            h = self.crossattention(h, encoder_hidden, enc_mask)
        return self.output(self.intermediate(h), h)


# ---- cases ----
class Fixture:
    def __init__(self, name):
        self.name = name
        self.tensors = {}
        self.meta = {"_torch": torch.__version__}
        self.g = torch.Generator().manual_seed(0)

    def randn(self, *shape):
        return torch.randn(shape, generator=self.g, dtype=torch.float64)

    def case(self, name, module_name, config, make, params_of, run, inputs, forward):
        """make() → float64 torch module; params_of(m) → {HF key: (value, grad)}; run(m, inputs) → output.
        `inputs` are float64 tensors (grads taken) or int32 masks; `forward` maps Glimpse forward
        options to values or input labels."""
        base = make()
        redraw(base, self.g)
        upstream = None
        for dtype, suffix in DTYPES:
            m = make().to(dtype)
            m.load_state_dict(base.state_dict())
            m.eval()
            xs = {k: (v.to(dtype).requires_grad_(k in ("x", "context", "encoder_hidden")) if v.is_floating_point() else v) for k, v in inputs.items()}
            out = run(m, xs)
            if upstream is None:
                upstream = self.randn(*out.shape)
            out.backward(upstream.to(dtype))
            key = f"{name}.{suffix}"
            t = self.tensors
            for label, v in xs.items():
                t[f"{key}/input/{label}"] = v.detach()
                if v.requires_grad:
                    t[f"{key}/grad/input/{label}"] = v.grad
            for hf, (value, grad) in params_of(m).items():
                t[f"{key}/param/{hf}"] = value
                t[f"{key}/grad/param/{hf}"] = grad
            t[f"{key}/out"] = out.detach()
            t[f"{key}/upstream"] = upstream.to(dtype)
            self.meta[key] = json.dumps({"module": module_name, "config": config, "forward": forward}, sort_keys=True)

    def save(self):
        os.makedirs(OUT_DIR, exist_ok=True)
        path = os.path.join(OUT_DIR, f"{self.name}.safetensors")
        save_file({k: v.contiguous() for k, v in self.tensors.items()}, path, metadata=self.meta)
        print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def named_params(m):
    return {n: (p.detach(), p.grad) for n, p in m.named_parameters()}


def attention_cases():
    fx = Fixture("attention")
    B, T, D, H = 2, 5, 8, 4
    mha = lambda kv_dim=D, bias=True: (lambda: MHA(D, H, kv_dim, bias))
    run = lambda causal: lambda m, xs: m(xs["x"], xs.get("context"), xs.get("mask"), causal, xs.get("additive"))
    params = lambda m: m.hf_params()
    fx.case("self_padded_causal", "Attention", {"dim": D, "numHeads": H}, mha(), params, run(True),
            {"x": fx.randn(B, T, D), "mask": padding_mask([T, 3], T)}, {"causal": True, "mask": "mask"})
    fx.case("self_additive", "Attention", {"dim": D, "numHeads": H}, mha(), params, run(False),
            {"x": fx.randn(B, T, D), "additive": fx.randn(B, H, T, T) * 2}, {"mask": "additive"})
    fx.case("cross_padded", "Attention", {"dim": D, "numHeads": H, "kvDim": 6}, mha(6), params, run(False),
            {"x": fx.randn(B, 3, D), "context": fx.randn(B, 7, 6), "mask": padding_mask([7, 4], 7)}, {"context": "context", "mask": "mask"})
    fx.case("cross_no_bias", "Attention", {"dim": D, "numHeads": H, "kvDim": 6, "qkvBias": False, "outBias": False}, mha(6, False), params, run(False),
            {"x": fx.randn(B, 4, D), "context": fx.randn(B, 6, 6)}, {"context": "context"})
    fx.save()


def pre_ln_block_cases():
    fx = Fixture("pre_ln_block")
    B, T = 2, 5
    clip_text = {"hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 32, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5}
    vit = {**clip_text, "hidden_act": "gelu", "layer_norm_eps": 1e-6}
    for name, config, causal, mask in [("clip_text_causal_padded", clip_text, True, padding_mask([T, 3], T)), ("vit", vit, False, None)]:
        inputs = {"x": fx.randn(B, T, 8)}
        forward = {"causal": causal}
        if mask is not None:
            inputs["mask"], forward["mask"] = mask, "mask"
        fx.case(name, "PreLNBlock", config, lambda: PreLNBlock(config), named_params,
                lambda m, xs: m(xs["x"], xs.get("mask"), causal), inputs, forward)
    fx.save()


def bert_layer_cases():
    fx = Fixture("bert_layer")
    B, T, E = 2, 4, 5  # E: encoder tokens
    base = {"hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 8, "hidden_act": "gelu", "layer_norm_eps": 1e-12}
    cross = {**base, "add_cross_attention": True, "encoder_width": 6}
    cases = [
        ("text", base, False, False),
        ("encoder_cross", cross, False, True),
        ("decoder_causal_cross", cross, True, True),
    ]
    for name, config, causal, with_image in cases:
        inputs = {"x": fx.randn(B, T, 8), "mask": padding_mask([T, 2], T)}
        forward = {"attentionMask": "mask", "causal": causal}
        if with_image:
            inputs["encoder_hidden"], inputs["encoder_mask"] = fx.randn(B, E, 6), padding_mask([E, 4], E)
            forward["encoderHidden"], forward["encoderMask"] = "encoder_hidden", "encoder_mask"
        fx.case(name, "BertLayer", config, lambda: BertLayer(config), named_params,
                lambda m, xs: m(xs["x"], xs["mask"], causal, xs.get("encoder_hidden"), xs.get("encoder_mask")), inputs, forward)
    fx.save()


if __name__ == "__main__":
    use_reference_blas()  # fixture bytes must not depend on the BLAS installed (see ops.py)
    torch.use_deterministic_algorithms(True)
    attention_cases()
    pre_ln_block_cases()
    bert_layer_cases()
