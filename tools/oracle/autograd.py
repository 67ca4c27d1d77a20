"""The PyTorch oracle for @glimpse/autograd's backward rules: writes fixtures/autograd/<family>.safetensors.

    /usr/bin/python3 tools/oracle/autograd.py    (npx -y pnpm@12.4.2 oracle runs it after ops.py)

Every case runs an op on small seeded inputs with torch autograd, back-propagates a random
upstream gradient, and stores the inputs, the upstream gradient, torch's output and torch's
gradient for every float input, in float32 and float64. packages/autograd/src/parity.test.ts
replays each case with Variables and compares.

Conventions: those of ops.py (case names `<op>.<variant>.<f32|f64>`, `inputs`, `args`, `views`,
inputs shared between cases stored once, int64 ids read as int32, the TORCH table), plus:
  * `grads` lists the inputs that are leaves requiring grad (by default every float input;
    class ids, masks and crossEntropy's probability targets get none);
  * `views` are applied to the leaf, so they are recorded ops and their backward is part of the
    check; `leafViews` are applied before the tensor becomes a leaf (a non-contiguous leaf,
    stride 0 included), and its gradient has the viewed shape;
  * `<case>.gout` (`gout0`, `gout1`, … for list outputs) is the upstream gradient, standard
    normal in the output's dtype; a case's f32 and f64 twins share the same draw;
  * `<case>.out` / `<case>.out<i>` is torch's output, `<case>.grad.<label>` torch's gradient
    for the input `label`, in that input's (leaf) shape and dtype.

The torch side of the ops that only autograd has (views as ops, cast, crossEntropy) is in
TORCH_AUTOGRAD below; every other op reuses ops.py's TORCH line.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops import (  # noqa: E402
    F32, F64, FLOATS, ROOT, TORCH, Fixture, apply_views, away_from_zero, ids, normal, positive, ties, use_reference_blas,
)

OUT_DIR = os.path.join(ROOT, "fixtures", "autograd")
DTYPES = {"float32": F32, "float64": F64}


def _squeeze(x, axis):
    if axis is None:
        return x.squeeze()
    for d in sorted((a % x.dim() for a in (axis if isinstance(axis, list) else [axis])), reverse=True):
        x = x.squeeze(d)  # torch 1.13 squeezes one dim at a time
    return x


def _cross_entropy(xs, a):
    """Glimpse takes classes on the last dim, torch on dim 1: move them there for [B, T, V] logits."""
    logits, target = xs
    if logits.dim() > 2:
        logits = logits.movedim(-1, 1)
        if target.is_floating_point():
            target = target.movedim(-1, 1)
    return F.cross_entropy(logits, target, reduction=a.get("reduction", "mean"), ignore_index=a.get("ignoreIndex", -100),
                           label_smoothing=a.get("labelSmoothing", 0.0))


TORCH_AUTOGRAD = {
    **TORCH,
    "reshape": lambda xs, a: xs[0].reshape(a["shape"]),
    "view": lambda xs, a: xs[0].view(a["shape"]),
    "flatten": lambda xs, a: torch.flatten(xs[0], a.get("startDim", 0), a.get("endDim", -1)),
    "squeeze": lambda xs, a: _squeeze(xs[0], a.get("axis")),
    "unsqueeze": lambda xs, a: xs[0].unsqueeze(a["axis"]),
    "permute": lambda xs, a: xs[0].permute(*a["axes"]),
    "transpose": lambda xs, a: xs[0].transpose(a.get("a", -2), a.get("b", -1)),
    "expand": lambda xs, a: xs[0].expand(*a["shape"]),
    "slice": lambda xs, a: apply_views(xs[0], [["slice", a["axis"], a.get("start"), a.get("end"), a.get("step", 1)]]),
    "narrow": lambda xs, a: xs[0].narrow(a["axis"], a["start"], a["length"]),
    "select": lambda xs, a: xs[0].select(a["axis"], a["index"]),
    "contiguous": lambda xs, a: xs[0].contiguous(),
    "cast": lambda xs, a: xs[0].to(DTYPES[a["dtype"]]),
    "crossEntropy": _cross_entropy,
}


class GradFixture(Fixture):
    """One file of gradient cases: fixtures/autograd/<family>.safetensors."""

    def __init__(self, family):
        super().__init__(family, out_dir=OUT_DIR, generator="tools/oracle/autograd.py")
        self.upstream = {}  # (case name without its dtype tag, output index, shape) -> float64 draw
        self.casts = {}  # (id(float64 input), dtype) -> (input, its cast): one stored copy per dtype

    def cast(self, t, dt):
        if not t.is_floating_point():
            return t
        key = (id(t), dt)
        if key not in self.casts:
            self.casts[key] = (t, t.to(dt))
        return self.casts[key][1]

    def _gout(self, name, i, out):
        key = (name.rsplit(".", 1)[0], i, tuple(out.shape))
        if key not in self.upstream:
            self.upstream[key] = normal(*out.shape)
        return self.upstream[key].to(out.dtype)

    def case(self, name, op, inputs, args=None, views=None, leaf_views=None, grads=None, note=None):
        """inputs: list of (label, tensor), in the order the op takes them; grads: labels that get one."""
        assert name not in self.cases, name
        args = dict(args or {})
        views, leaf_views = views or {}, leaf_views or {}
        if grads is None:
            grads = [k for k, t in inputs if t.is_floating_point()]
        leaves = {}
        for k, t in inputs:
            x = apply_views(t, leaf_views.get(k, []))
            leaves[k] = x.detach().requires_grad_(True) if k in grads else x
        viewed = [apply_views(leaves[k], views.get(k, [])) for k, _ in inputs]
        out = TORCH_AUTOGRAD[op](viewed, {**args, "op": op})
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        gouts = [self._gout(name, i, o) for i, o in enumerate(outs)]
        torch.autograd.backward(outs, gouts)
        spec = {"op": op, "inputs": self.store_inputs(name, inputs), "args": args}
        if views:
            spec["views"] = views
        if leaf_views:
            spec["leafViews"] = leaf_views
        spec["grads"] = grads
        self.store_outputs(name, "out", out, spec)
        self.store_outputs(name, "gout", gouts if isinstance(out, (list, tuple)) else gouts[0], {})
        for k in grads:
            assert leaves[k].grad is not None, f"{name}: torch gave no gradient for {k}"
            self.tensors[f"{name}.grad.{k}"] = leaves[k].grad.contiguous()
        if note:
            spec["note"] = note
        self.cases[name] = json.dumps(spec, separators=(",", ":"))


def both(fx, name, op, inputs, args=None, **kw):
    """The case in float32 and float64: `inputs` are float64 draws (ids and masks pass unchanged)."""
    for dt, tag in FLOATS:
        fx.case(f"{op}.{name}.{tag}", op, [(k, fx.cast(t, dt)) for k, t in inputs], args, **kw)


# ---- families ----
BROADCAST_SHAPES = {"same": ([3, 4], [3, 4]), "row": ([3, 4], [4]), "outer": ([3, 1], [1, 4]),
                    "rank3": ([2, 1, 4], [3, 1]), "scalar0d": ([3, 4], [])}


def binary():
    fx = GradFixture("binary")
    binary = {"add": (normal, normal), "sub": (normal, normal), "mul": (normal, normal), "div": (normal, away_from_zero),
              "pow": (positive, normal), "maximum": (ties, ties), "minimum": (ties, ties)}  # ties: equal pairs split the gradient
    for op, (da, db) in binary.items():
        for variant, (sa, sb) in BROADCAST_SHAPES.items():
            both(fx, variant, op, [("x", da(*sa)), ("y", db(*sb))])
        both(fx, "strided", op, [("x", da(4, 3)), ("y", db(3, 8))], views={"x": [["transpose", 0, 1]], "y": [["slice", 1, 0, 8, 2]]})
    scalar_cases = [("add", normal, 2.5, "right"), ("sub", normal, 1.0, "left"), ("mul", normal, -3.0, "right"),
                    ("div", normal, 4.0, "right"), ("div", away_from_zero, 1.0, "left"), ("pow", ties, 2.0, "right"),
                    ("pow", ties, 3.0, "right"), ("pow", positive, 0.5, "right"), ("pow", positive, -1.5, "right"),
                    ("pow", ties, 0.0, "right"), ("pow", normal, 2.0, "left"), ("pow", normal, 0.0, "left"),
                    ("maximum", ties, 0.5, "right"), ("minimum", ties, -0.5, "left")]
    for i, (op, d, s, side) in enumerate(scalar_cases):
        both(fx, f"scalar{i}_{side}", op, [("x", d(3, 4))], {"scalar": s, "side": side})
    # pow at a zero base: torch's convention is a zero gradient where the exponent is 0 (for the
    # base) and where the exponent is ≥ 0 (for the exponent); 0^negative is inf.
    base = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 1.5, 2.0, 0.5], dtype=F64)
    exponent = torch.tensor([0.0, 1.0, 2.0, 0.5, -1.0, 0.0, -2.0, 3.0], dtype=F64)
    both(fx, "zero_base", "pow", [("x", base), ("y", exponent)])
    return fx.save()


def unary():
    fx = GradFixture("unary")
    domain = {"log": positive, "sqrt": positive, "rsqrt": positive, "relu": ties, "abs": ties,
              "exp": lambda *s: normal(*s, scale=1.5), "sigmoid": lambda *s: normal(*s, scale=2), "tanh": normal,
              "erf": normal, "sin": lambda *s: normal(*s, scale=3), "cos": lambda *s: normal(*s, scale=3)}
    for op in ["neg", "abs", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "relu", "erf", "sin", "cos"]:
        both(fx, "basic", op, [("x", domain.get(op, normal)(3, 5))])
    both(fx, "transposed", "exp", [("x", normal(5, 3))], views={"x": [["transpose", 0, 1]]})
    both(fx, "sliced", "tanh", [("x", normal(4, 7))], views={"x": [["slice", 1, 1, 7, 2]]})
    both(fx, "expanded", "sqrt", [("x", positive(4))], views={"x": [["expand", [3, 4]]]})
    x = ties(3, 5)  # values on the bounds pass the gradient, as in torch
    both(fx, "min", "clamp", [("x", x)], {"min": -0.5})
    both(fx, "max", "clamp", [("x", x)], {"max": 1.0})
    both(fx, "both", "clamp", [("x", x)], {"min": -1.0, "max": 0.5})
    cond = torch.rand(3, 4) < 0.5
    both(fx, "same", "where", [("cond", cond), ("x", normal(3, 4)), ("y", normal(3, 4))])
    both(fx, "broadcast", "where", [("cond", torch.rand(3, 1) < 0.5), ("x", normal(4)), ("y", normal(3, 4))])
    both(fx, "scalar", "where", [("cond", cond), ("x", normal(3, 4))], {"y": -1.5})
    both(fx, "transposed", "where", [("cond", cond), ("x", normal(4, 3)), ("y", normal(4))], views={"x": [["transpose", 0, 1]]})
    x = normal(3, 4)
    fx.case("cast.to_f64.f32", "cast", [("x", x.to(F32))], {"dtype": "float64"})
    fx.case("cast.to_f32.f64", "cast", [("x", x)], {"dtype": "float32"})
    fx.case("cast.transposed_to_f32.f64", "cast", [("x", x)], {"dtype": "float32"}, views={"x": [["transpose", 0, 1]]})
    return fx.save()


def views():
    fx = GradFixture("views")
    x = normal(3, 4)
    both(fx, "basic", "reshape", [("x", x)], {"shape": [4, 3]})
    both(fx, "infer", "reshape", [("x", x)], {"shape": [2, -1]})
    both(fx, "of_transposed", "reshape", [("x", x)], {"shape": [-1]}, views={"x": [["transpose", 0, 1]]})
    both(fx, "basic", "view", [("x", x)], {"shape": [6, 2]})
    x3 = normal(2, 3, 2)
    both(fx, "from1", "flatten", [("x", x3)], {"startDim": 1})
    both(fx, "all", "flatten", [("x", x3)], {})
    both(fx, "0to1", "flatten", [("x", x3)], {"startDim": 0, "endDim": 1})
    ones = normal(3, 1, 2, 1)
    both(fx, "a1", "squeeze", [("x", ones)], {"axis": 1})
    both(fx, "all", "squeeze", [("x", ones)], {"axis": None})
    both(fx, "a1_aneg1", "squeeze", [("x", ones)], {"axis": [1, -1]})
    both(fx, "a0", "unsqueeze", [("x", x)], {"axis": 0})
    both(fx, "aneg1", "unsqueeze", [("x", x)], {"axis": -1})
    both(fx, "basic", "permute", [("x", normal(2, 3, 4))], {"axes": [2, 0, 1]})
    both(fx, "a02", "transpose", [("x", normal(2, 3, 4))], {"a": 0, "b": 2})
    both(fx, "default", "transpose", [("x", x)], {})
    both(fx, "rows", "expand", [("x", normal(3, 1))], {"shape": [3, 4]}, note="the gradient is summed over the expanded dim")
    both(fx, "new_dims", "expand", [("x", normal(1, 4))], {"shape": [2, 3, 4]})
    x7 = normal(4, 7)
    both(fx, "step2", "slice", [("x", x7)], {"axis": 1, "start": 1, "end": 7, "step": 2})
    both(fx, "negative_start", "slice", [("x", x7)], {"axis": 1, "start": -3, "end": None, "step": 1})
    both(fx, "past_end_step3", "slice", [("x", x7)], {"axis": 0, "start": 1, "end": 10, "step": 3})
    both(fx, "of_transposed", "slice", [("x", x7)], {"axis": 0, "start": 2, "end": 6, "step": 2}, views={"x": [["transpose", 0, 1]]})
    # A leaf that is itself a stride-0 (expanded) view: where the slice starts must not be read from the offset.
    both(fx, "expanded_leaf", "slice", [("x", normal(1, 4))], {"axis": 0, "start": 1, "end": 3, "step": 1},
         leaf_views={"x": [["expand", [3, 4]]]})
    both(fx, "basic", "narrow", [("x", x7)], {"axis": 1, "start": 2, "length": 3})
    both(fx, "negative_start", "narrow", [("x", x7)], {"axis": 1, "start": -4, "length": 2})
    both(fx, "a1", "select", [("x", normal(3, 4, 2))], {"axis": 1, "index": 2})
    both(fx, "negative", "select", [("x", normal(3, 4, 2))], {"axis": -1, "index": -1})
    both(fx, "transposed_leaf", "select", [("x", normal(4, 3))], {"axis": 0, "index": 1}, leaf_views={"x": [["transpose", 0, 1]]})
    both(fx, "of_transposed", "contiguous", [("x", x)], {}, views={"x": [["transpose", 0, 1]]})
    both(fx, "already", "contiguous", [("x", x)], {})
    return fx.save()


def reduce():
    fx = GradFixture("reduce")
    axes_list = [("all", None), ("a0", 0), ("a1", 1), ("aneg1", -1), ("a02", [0, 2]), ("a12", [1, 2])]
    x, p, t = normal(2, 3, 4), positive(2, 3, 4, low=0.6, high=1.5), ties(2, 3, 4)
    p[0, 1, 2] = -p[0, 1, 2]  # a negative factor (prod's rule must keep the sign)
    for variant, axis in axes_list:
        for keepdim in (False, True):
            if keepdim and variant not in ("all", "a1", "a02"):
                continue
            v = variant + ("_keep" if keepdim else "")
            args = {"axis": axis, "keepdim": keepdim}
            for op in ("sum", "mean", "max", "min", "logsumexp"):
                both(fx, v, op, [("x", x)], args)
            both(fx, v, "prod", [("x", p)], args)
            both(fx, v, "var", [("x", x)], {**args, "correction": 1})
            both(fx, v + "_biased", "var", [("x", x)], {**args, "correction": 0})
            if variant in ("all", "a1", "a02"):  # ties: torch.amax/amin share the gradient evenly
                both(fx, v + "_ties", "max", [("x", t)], args)
                both(fx, v + "_ties", "min", [("x", t)], args)
    perm = {"x": [["permute", [2, 1, 0]]]}
    xt = normal(4, 3, 2)
    both(fx, "permuted_a02", "sum", [("x", xt)], {"axis": [0, 2], "keepdim": False}, views=perm)
    both(fx, "permuted_a1", "max", [("x", xt)], {"axis": 1, "keepdim": True}, views=perm)
    both(fx, "permuted_a2", "var", [("x", xt)], {"axis": 2, "keepdim": False, "correction": 1}, views=perm)
    both(fx, "permuted_a0", "prod", [("x", positive(4, 3, 2))], {"axis": 0, "keepdim": False}, views=perm)
    both(fx, "sliced_a1", "mean", [("x", normal(3, 9))], {"axis": 1, "keepdim": False}, views={"x": [["slice", 1, 1, 9, 3]]})
    both(fx, "sliced_a0", "logsumexp", [("x", normal(6, 3))], {"axis": 0, "keepdim": False}, views={"x": [["slice", 0, 0, 6, 2]]})
    masked = normal(3, 5)
    masked[0, 1] = masked[2, 0] = masked[2, 4] = float("-inf")
    both(fx, "masked_a1", "logsumexp", [("x", masked)], {"axis": 1, "keepdim": False}, note="-inf entries get a zero gradient")
    big = normal(3, 5) * 50
    both(fx, "large_a1", "logsumexp", [("x", big)], {"axis": 1, "keepdim": False})
    return fx.save()


def matmul():
    fx = GradFixture("matmul")
    T = [["transpose", -2, -1]]
    cases = [
        ("mm", [3, 4], [4, 5], {}),
        ("batched", [2, 3, 4], [2, 4, 5], {}),
        ("broadcast_batch", [2, 1, 3, 4], [3, 4, 2], {}),
        ("batch_vs_2d", [2, 3, 4], [4, 5], {}),
        ("vec_mat", [4], [4, 5], {}),
        ("mat_vec", [3, 4], [4], {}),
        ("dot", [6], [6], {}),
        ("vec_batched", [4], [2, 4, 3], {}),
        ("batched_vec", [2, 3, 4], [4], {}),
        ("a_transposed", [4, 3], [4, 5], {"x": T}),
        ("b_transposed", [3, 4], [5, 4], {"y": T}),
        ("both_transposed", [4, 3], [5, 4], {"x": T, "y": T}),
        ("batched_transposed", [2, 4, 3], [2, 5, 4], {"x": T, "y": T}),
        ("b_expanded", [2, 3, 4], [4, 5], {"y": [["expand", [2, 4, 5]]]}),
        ("a_sliced", [3, 8], [4, 5], {"x": [["slice", 1, 1, 8, 2]]}),
        ("odd_7x9x5", [7, 9], [9, 5], {}),
    ]
    for name, sa, sb, views in cases:
        both(fx, name, "matmul", [("x", normal(*sa)), ("y", normal(*sb))], views=views)
    return fx.save()


def indexing():
    fx = GradFixture("indexing")
    x2, x3 = normal(4, 5), normal(3, 4, 5)
    both(fx, "a0", "gather", [("x", x2), ("index", ids(4, 3, 5))], {"axis": 0})
    both(fx, "a1_smaller", "gather", [("x", x2), ("index", ids(5, 3, 7))], {"axis": 1})
    both(fx, "aneg1_3d", "gather", [("x", x3), ("index", ids(5, 2, 4, 3))], {"axis": -1})
    both(fx, "transposed", "gather", [("x", normal(5, 4)), ("index", ids(5, 3, 2))], {"axis": 1}, views={"x": [["transpose", 0, 1]]})
    table = normal(10, 6)
    both(fx, "a0_1d", "indexSelect", [("x", table), ("index", torch.tensor([3, 0, 3, 9, 1, 3]))], {"axis": 0})
    both(fx, "a1_1d", "indexSelect", [("x", x3), ("index", torch.tensor([2, 2, 0]))], {"axis": 1})
    both(fx, "embedding", "indexSelect", [("x", table), ("index", torch.tensor([[1, 4, 1, 7, 4], [7, 7, 0, 1, 9]]))], {"axis": 0},
         note="2-D ids on axis 0 of a [V, D] table, repeated ids: torch reference is F.embedding(ids, table)")
    both(fx, "a1_2d", "indexSelect", [("x", x3), ("index", ids(4, 2, 3))], {"axis": 1})
    base = normal(4, 5)
    both(fx, "a0_repeats", "scatterAdd", [("x", base), ("index", torch.tensor([[0, 1, 0, 3, 3], [0, 1, 0, 3, 2], [1, 1, 1, 1, 1]])),
                                          ("src", normal(3, 5))], {"axis": 0})
    both(fx, "a1_smaller", "scatterAdd", [("x", base), ("index", ids(5, 3, 4)), ("src", normal(3, 4))], {"axis": 1})
    both(fx, "aneg1_3d", "scatterAdd", [("x", x3), ("index", ids(5, 3, 2, 6)), ("src", normal(3, 2, 6))], {"axis": -1})
    both(fx, "transposed", "scatterAdd", [("x", normal(5, 4)), ("index", ids(5, 4, 3)), ("src", normal(3, 4))], {"axis": 1},
         views={"x": [["transpose", 0, 1]], "src": [["transpose", 0, 1]]})
    return fx.save()


def join():
    fx = GradFixture("join")
    parts = {0: ([2, 3, 4], [1, 3, 4], [3, 3, 4]), 1: ([2, 1, 4], [2, 3, 4], [2, 2, 4]), -1: ([2, 3, 1], [2, 3, 2], [2, 3, 4])}
    for axis, shapes in parts.items():
        both(fx, f"a{axis}".replace("-", "neg"), "concat", [(f"x{i}", normal(*s)) for i, s in enumerate(shapes)], {"axis": axis})
    both(fx, "transposed", "concat", [("x0", normal(4, 2)), ("x1", normal(3, 4))], {"axis": 0}, views={"x0": [["transpose", 0, 1]]})
    same = [(f"x{i}", normal(2, 3)) for i in range(3)]
    for axis in (0, 1, -1):
        both(fx, f"a{axis}".replace("-", "neg"), "stack", same, {"axis": axis})
    x = normal(7, 4)
    both(fx, "size3", "split", [("x", x)], {"sizes": 3, "axis": 0})
    both(fx, "list", "split", [("x", x)], {"sizes": [1, 4, 2], "axis": 0})
    both(fx, "a1", "split", [("x", x)], {"sizes": [3, 1], "axis": 1})
    both(fx, "7by3", "chunk", [("x", x)], {"chunks": 3, "axis": 0})
    both(fx, "6by4", "chunk", [("x", normal(6, 2))], {"chunks": 4, "axis": 0})
    both(fx, "aneg1", "chunk", [("x", x)], {"chunks": 2, "axis": -1})
    for shape in ([3, 5], [5, 3], [2, 3, 4]):
        m = normal(*shape)
        for diagonal in (-1, 0, 1):
            for op in ("triu", "tril"):
                both(fx, f"{'x'.join(map(str, shape))}_d{diagonal}".replace("-", "neg"), op, [("x", m)], {"diagonal": diagonal})
    both(fx, "transposed", "triu", [("x", normal(5, 3))], {"diagonal": 0}, views={"x": [["transpose", 0, 1]]})
    return fx.save()


def nn():
    fx = GradFixture("nn")
    x = normal(4, 6, scale=2.5)
    both(fx, "exact", "gelu", [("x", x)], {"approximate": "none"})
    both(fx, "tanh", "gelu", [("x", x)], {"approximate": "tanh"})
    both(fx, "basic", "quickGelu", [("x", x)])
    both(fx, "exact_transposed", "gelu", [("x", x)], {"approximate": "none"}, views={"x": [["transpose", 0, 1]]})
    x = normal(2, 3, 5, scale=2)
    masked = normal(3, 6)
    masked[0, 2] = masked[1, 0] = masked[1, 5] = float("-inf")
    for op in ("softmax", "logSoftmax"):
        for axis in (-1, 0, 1):
            both(fx, f"a{axis}".replace("-", "neg"), op, [("x", x)], {"axis": axis})
        both(fx, "large", op, [("x", normal(3, 6) * 30)], {"axis": -1})
        both(fx, "masked", op, [("x", masked)], {"axis": -1})
        both(fx, "permuted", op, [("x", normal(5, 2, 3))], {"axis": 1}, views={"x": [["permute", [1, 2, 0]]]})
    h = normal(2, 3, 8, scale=3) + 1.5
    w, b = positive(8, low=0.5, high=1.5), normal(8)
    both(fx, "affine", "layerNorm", [("x", h), ("weight", w), ("bias", b)], {"normalizedShape": [8]})
    both(fx, "plain", "layerNorm", [("x", h)], {"normalizedShape": [8]})
    both(fx, "weight_only", "layerNorm", [("x", h), ("weight", w)], {"normalizedShape": [8]})
    both(fx, "two_dims", "layerNorm", [("x", h), ("weight", normal(3, 8)), ("bias", normal(3, 8))], {"normalizedShape": [3, 8]})
    both(fx, "bert_eps", "layerNorm", [("x", h), ("weight", w), ("bias", b)], {"normalizedShape": [8], "eps": 1e-12})
    both(fx, "transposed", "layerNorm", [("x", normal(8, 4)), ("weight", w), ("bias", b)], {"normalizedShape": [8]},
         views={"x": [["transpose", 0, 1]]})
    return fx.save()


def loss():
    fx = GradFixture("loss")
    logits = normal(6, 5, scale=2)
    target = torch.tensor([1, 0, 4, 4, 2, 3])
    ignored = torch.tensor([1, -100, 4, -100, 2, 3])
    for reduction in ("mean", "sum", "none"):
        r = {"reduction": reduction}
        both(fx, reduction, "crossEntropy", [("x", logits), ("target", target)], r)
        both(fx, f"ignored_{reduction}", "crossEntropy", [("x", logits), ("target", ignored)], r)
        both(fx, f"smoothed_{reduction}", "crossEntropy", [("x", logits), ("target", ignored)], {**r, "labelSmoothing": 0.1})
    both(fx, "ignore_index_4", "crossEntropy", [("x", logits), ("target", target)], {"ignoreIndex": 4})
    both(fx, "all_ignored", "crossEntropy", [("x", logits), ("target", torch.full((6,), -100))], {},
         note="0/0: the loss is NaN, the gradient zero, as in torch")
    probs = torch.softmax(normal(6, 5), dim=-1)
    for reduction in ("mean", "sum", "none"):
        both(fx, f"probs_{reduction}", "crossEntropy", [("x", logits), ("target", probs)], {"reduction": reduction}, grads=["x"])
    both(fx, "probs_smoothed", "crossEntropy", [("x", logits), ("target", probs)], {"labelSmoothing": 0.1}, grads=["x"])
    # [B, T, V] logits (a language model's): torch takes the classes on dim 1, so its side moves them there.
    lm = normal(2, 4, 5, scale=2)
    lm_target = torch.tensor([[3, 1, -100, 0], [4, 4, 2, -100]])
    note = "[B, T, V] logits: torch's side is F.cross_entropy(x.movedim(-1, 1), target)"
    both(fx, "btv_mean", "crossEntropy", [("x", lm), ("target", lm_target)], {}, note=note)
    both(fx, "btv_smoothed_none", "crossEntropy", [("x", lm), ("target", lm_target)], {"reduction": "none", "labelSmoothing": 0.1}, note=note)
    both(fx, "btv_probs", "crossEntropy", [("x", lm), ("target", torch.softmax(normal(2, 4, 5), dim=-1))], {}, grads=["x"], note=note)
    both(fx, "transposed", "crossEntropy", [("x", normal(5, 6)), ("target", target)], {"labelSmoothing": 0.1},
         views={"x": [["transpose", 0, 1]]})
    return fx.save()


def edge():
    """Zero-size tensors, size-1 reductions and other corners where a rule may divide by zero."""
    fx = GradFixture("edge")
    e = torch.zeros(0, 3, dtype=F64)
    both(fx, "empty_a0", "sum", [("x", e)], {"axis": 0, "keepdim": False})
    both(fx, "empty_a1", "mean", [("x", e)], {"axis": 1, "keepdim": False})
    both(fx, "k0", "matmul", [("x", torch.zeros(2, 0, dtype=F64)), ("y", torch.zeros(0, 3, dtype=F64))],
         note="an empty inner dim: the output is zeros, and so are the (empty) gradients")
    both(fx, "with_empty", "concat", [("x0", normal(2, 3)), ("x1", e), ("x2", normal(1, 3))], {"axis": 0})
    both(fx, "zero_size", "split", [("x", normal(4, 2))], {"sizes": [0, 3, 1], "axis": 0})
    s = torch.tensor(1.5, dtype=F64)
    both(fx, "scalar", "sum", [("x", s)], {"axis": None, "keepdim": False})
    both(fx, "scalar", "exp", [("x", s)])
    both(fx, "scalar", "mul", [("x", s), ("y", normal(3))])
    both(fx, "size1_axis", "var", [("x", normal(3, 1))], {"axis": 1, "keepdim": False, "correction": 1},
         note="N − correction = 0: var is NaN and so is its gradient, as in torch")
    both(fx, "size1_biased", "var", [("x", normal(3, 1))], {"axis": 1, "keepdim": False, "correction": 0})
    both(fx, "size1_axis", "softmax", [("x", normal(3, 1))], {"axis": 1})
    both(fx, "constant_rows", "layerNorm", [("x", torch.full((2, 4), 3.0, dtype=F64)), ("weight", normal(4)), ("bias", normal(4))],
         {"normalizedShape": [4]})
    both(fx, "at_zero", "sqrt", [("x", torch.tensor([0.0, 1.0, 4.0], dtype=F64))], note="the gradient at 0 is inf")
    return fx.save()


def main():
    total = sum(f() for f in (unary, binary, views, reduce, matmul, indexing, join, nn, loss, edge))
    print(f"total {total / 1024:.1f} KB (torch {torch.__version__})")


if __name__ == "__main__":
    use_reference_blas()  # matmul's bytes must not depend on the BLAS installed (see ops.py)
    main()
