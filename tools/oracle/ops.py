"""The PyTorch oracle for @glimpse/tensor's ops: writes fixtures/ops/<family>.safetensors.

    /usr/bin/python3 tools/oracle/ops.py        (or: npx -y pnpm@12.4.2 oracle)

Every case is a small random input, the op's arguments and PyTorch's output, in float32 and in
float64 (a few cases mix dtypes or use int32 / bool). packages/tensor/src/ops/parity.test.ts
replays each case through Glimpse and compares.

Conventions (the TS test relies on them):
  * a case is named `<op>.<variant>.<f32|f64|mixed>`; its tensors are `<case>.<input label>` and
    `<case>.out` (or `<case>.out0`, `<case>.out1`, … for ops that return a list);
  * `__metadata__[<case>]` is JSON: {"op": Glimpse op name, "inputs": {label: tensor name, in
    the order the op takes them}, "args": {named op arguments}, "views": {label: [[view, …]]},
    "outputs": n (list outputs only), "dtype": Glimpse's output dtype where it deliberately
    differs from PyTorch's, "note": why}. An input several cases share is stored once, under
    the name of the first case that used it, and the others point to it;
  * stored inputs are contiguous; `views` lists the view ops (transpose a b | permute axes |
    slice axis start end step | expand shape) to apply, in order, to an input after loading:
    that is how non-contiguous inputs are tested. The torch reference applies the same views;
  * integer indices are int64 in torch and stored as I64 (Glimpse reads them as int32); int
    outputs of torch (argmax, sums of ints, one_hot) are int64 and stored as I64 too;
  * `__metadata__["_torch"]` is the torch version that made the file.

The torch side of each op lives in TORCH below, one line per op, mirroring the TS replay table,
so a case's arguments are written down once and used by both sides.
"""
import json
import operator
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file, write_dtype_fixture  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
REFERENCE_BLAS = "/usr/lib/x86_64-linux-gnu/blas"  # Debian's libblas3 (Netlib reference BLAS)


def use_reference_blas():
    """Re-runs this script with the reference BLAS first on the library path, once.

    Debian's torch calls whatever libblas.so.3 the alternatives system points to, and OpenBLAS
    (installed alongside, it becomes the default) rounds matmul differently from the reference
    BLAS, and differently again on CPUs with other kernels. The reference BLAS is plain loops, so
    with it the fixtures' bytes depend on neither which BLAS is installed nor on the CPU.
    """
    if os.environ.get("GLIMPSE_ORACLE_BLAS") or not os.path.exists(os.path.join(REFERENCE_BLAS, "libblas.so.3")):
        return
    path = os.pathsep.join(p for p in (REFERENCE_BLAS, os.environ.get("LD_LIBRARY_PATH")) if p)
    env = dict(os.environ, GLIMPSE_ORACLE_BLAS=REFERENCE_BLAS, LD_LIBRARY_PATH=path)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
OUT_DIR = os.path.join(ROOT, "fixtures", "ops")
SEED = 0
F32, F64 = torch.float32, torch.float64
FLOATS = [(F32, "f32"), (F64, "f64")]


# ---- views, as the TS side applies them ----
def apply_views(t, views):
    for v in views:
        kind, args = v[0], v[1:]
        if kind == "transpose":
            t = t.transpose(args[0], args[1])
        elif kind == "permute":
            t = t.permute(*args[0])
        elif kind == "slice":
            axis, start, end, step = args
            index = [slice(None)] * t.dim()
            index[axis] = slice(start, end, step)
            t = t[tuple(index)]
        elif kind == "expand":
            t = t.expand(*args[0])
        else:
            raise ValueError(f"unknown view {kind}")
    return t


# ---- the torch side of every op: (inputs in order, args) -> tensor or list of tensors ----
def _dims(x, axis):
    if axis is None:
        return tuple(range(x.dim()))
    return tuple(axis) if isinstance(axis, list) else (axis,)


def _scalar_operands(xs, a):
    """Binary ops with a JS number on one side: `scalar` is the number, `side` where it goes."""
    if "scalar" not in a:
        return xs[0], xs[1]
    s = a["scalar"]
    if a["op"] in ("maximum", "minimum"):  # torch.maximum takes tensors only; 0-d keeps x's dtype
        s = torch.tensor(s, dtype=xs[0].dtype)
    return (s, xs[0]) if a.get("side") == "left" else (xs[0], s)


def _binary(fn):
    return lambda xs, a: fn(*_scalar_operands(xs, a))


def _prod(x, a):
    dims = _dims(x, a.get("axis"))
    dims = [d % max(x.dim(), 1) for d in dims]
    kept = [d for d in range(x.dim()) if d not in dims]
    y = x.permute(*kept, *dims).reshape(*[x.shape[d] for d in kept], -1).prod(-1)
    if a.get("keepdim"):
        y = y.reshape([1 if d in dims else x.shape[d] for d in range(x.dim())])
    return y


def _index_select(x, ids, a):
    axis = a["axis"]
    if axis == 0 and x.dim() == 2 and ids.dim() == 2:
        return F.embedding(ids, x)  # an embedding lookup is index_select on dim 0
    flat = torch.index_select(x, axis, ids.reshape(-1))
    d = axis % x.dim()
    return flat.reshape(*x.shape[:d], *ids.shape, *x.shape[d + 1 :])


UNARY = ["neg", "abs", "sign", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "relu", "erf", "sin", "cos", "floor"]
TORCH = {op: (lambda name: lambda xs, a: getattr(torch, name)(xs[0]))(op) for op in UNARY}
TORCH.update({
    "logicalNot": lambda xs, a: torch.logical_not(xs[0]),
    "gelu": lambda xs, a: F.gelu(xs[0], approximate=a.get("approximate", "none")),
    "quickGelu": lambda xs, a: xs[0] * torch.sigmoid(1.702 * xs[0]),
    # Python operators accept a number on either side, as Glimpse does (torch.sub(1.0, x) does not).
    "add": _binary(operator.add),
    "sub": _binary(operator.sub),
    "mul": _binary(operator.mul),
    "div": _binary(operator.truediv),
    "pow": _binary(operator.pow),
    "maximum": _binary(torch.maximum),
    "minimum": _binary(torch.minimum),
    "eq": _binary(operator.eq),
    "ne": _binary(operator.ne),
    "lt": _binary(operator.lt),
    "le": _binary(operator.le),
    "gt": _binary(operator.gt),
    "ge": _binary(operator.ge),
    "logicalAnd": _binary(torch.logical_and),
    "logicalOr": _binary(torch.logical_or),
    "where": lambda xs, a: torch.where(xs[0], xs[1], xs[2] if len(xs) > 2 else torch.tensor(a["y"], dtype=xs[1].dtype)),
    "clamp": lambda xs, a: torch.clamp(xs[0], min=a.get("min"), max=a.get("max")),
    "sum": lambda xs, a: torch.sum(xs[0], dim=_dims(xs[0], a.get("axis")), keepdim=a.get("keepdim", False)),
    "mean": lambda xs, a: torch.mean(xs[0], dim=_dims(xs[0], a.get("axis")), keepdim=a.get("keepdim", False)),
    "max": lambda xs, a: torch.amax(xs[0], dim=_dims(xs[0], a.get("axis")), keepdim=a.get("keepdim", False)),
    "min": lambda xs, a: torch.amin(xs[0], dim=_dims(xs[0], a.get("axis")), keepdim=a.get("keepdim", False)),
    "prod": lambda xs, a: _prod(xs[0], a),
    "logsumexp": lambda xs, a: torch.logsumexp(xs[0], dim=_dims(xs[0], a.get("axis")), keepdim=a.get("keepdim", False)),
    "var": lambda xs, a: torch.var(xs[0], dim=_dims(xs[0], a.get("axis")), unbiased=a.get("correction", 1) == 1, keepdim=a.get("keepdim", False)),
    "argmax": lambda xs, a: torch.argmax(xs[0], dim=a.get("axis"), keepdim=a.get("keepdim", False)),
    "argmin": lambda xs, a: torch.argmin(xs[0], dim=a.get("axis"), keepdim=a.get("keepdim", False)),
    "matmul": lambda xs, a: torch.matmul(xs[0], xs[1]),
    "softmax": lambda xs, a: torch.softmax(xs[0], dim=a["axis"]),
    "logSoftmax": lambda xs, a: torch.log_softmax(xs[0], dim=a["axis"]),
    "layerNorm": lambda xs, a: F.layer_norm(xs[0], a["normalizedShape"], *(xs[1:] + [None] * (3 - len(xs))), eps=a.get("eps", 1e-5)),
    "gather": lambda xs, a: torch.gather(xs[0], a["axis"], xs[1]),
    "indexSelect": lambda xs, a: _index_select(xs[0], xs[1], a),
    "scatterAdd": lambda xs, a: xs[0].scatter_add(a["axis"], xs[1], xs[2]),
    "oneHot": lambda xs, a: F.one_hot(xs[0], a["numClasses"]),
    "concat": lambda xs, a: torch.cat(xs, dim=a["axis"]),
    "stack": lambda xs, a: torch.stack(xs, dim=a["axis"]),
    "split": lambda xs, a: list(torch.split(xs[0], a["sizes"], dim=a["axis"])),
    "chunk": lambda xs, a: list(torch.chunk(xs[0], a["chunks"], dim=a["axis"])),
    "triu": lambda xs, a: torch.triu(xs[0], diagonal=a["diagonal"]),
    "tril": lambda xs, a: torch.tril(xs[0], diagonal=a["diagonal"]),
})


class Fixture:
    """One file of cases: <out_dir>/<family>.safetensors (fixtures/ops/ here; autograd.py writes fixtures/autograd/)."""

    def __init__(self, family, out_dir=OUT_DIR, generator="tools/oracle/ops.py"):
        self.family = family
        self.out_dir = out_dir
        self.generator = generator
        self.tensors = {}
        self.cases = {}
        self.stored = {}  # id(tensor) -> (stored name, tensor): an input used by several cases is stored once
        torch.manual_seed(SEED)  # each family is reproducible on its own

    def store_inputs(self, name, inputs):
        """Stores each (label, tensor) contiguous under `<case>.<label>`, or points to where an earlier case stored it."""
        refs = {}
        for k, t in inputs:
            if id(t) not in self.stored:
                self.stored[id(t)] = (f"{name}.{k}", t)
                self.tensors[f"{name}.{k}"] = t.contiguous()
            refs[k] = self.stored[id(t)][0]
        return refs

    def store_outputs(self, name, stem, out, spec):
        """Stores `<case>.<stem>` (one tensor) or `<case>.<stem>0`, `<stem>1`, … (a list; spec["outputs"] = n)."""
        if isinstance(out, (list, tuple)):
            spec["outputs"] = len(out)
            for i, o in enumerate(out):
                self.tensors[f"{name}.{stem}{i}"] = o.detach().contiguous()
        else:
            self.tensors[f"{name}.{stem}"] = out.detach().contiguous()

    def case(self, name, op, inputs, args=None, views=None, dtype=None, note=None):
        """inputs: list of (name, tensor), in the order the op takes them."""
        assert name not in self.cases, name
        args = dict(args or {})
        views = views or {}
        viewed = [apply_views(t, views.get(k, [])) for k, t in inputs]
        out = TORCH[op](viewed, {**args, "op": op})
        spec = {"op": op, "inputs": self.store_inputs(name, inputs), "args": args}
        if views:
            spec["views"] = views
        self.store_outputs(name, "out", out, spec)
        if dtype:
            spec["dtype"] = dtype
        if note:
            spec["note"] = note
        self.cases[name] = json.dumps(spec, separators=(",", ":"))

    def save(self):
        os.makedirs(self.out_dir, exist_ok=True)
        path = os.path.join(self.out_dir, f"{self.family}.safetensors")
        meta = {"_torch": torch.__version__, "_generator": self.generator, **self.cases}
        save_file(self.tensors, path, metadata=meta)
        size = os.path.getsize(path)
        print(f"{os.path.relpath(path, ROOT)}: {len(self.cases)} cases, {size / 1024:.1f} KB")
        return size


# ---- input makers (drawn in float64 from the global torch generator, then cast) ----
def normal(*shape, scale=1.0):
    return torch.randn(shape, dtype=F64) * scale


def positive(*shape, low=0.1, high=3.0):
    return low + (high - low) * torch.rand(shape, dtype=F64)


def ties(*shape):
    """Multiples of 0.5 in [-2, 2]: repeats and zeros, for comparisons, argmax ties, sign, clamp."""
    return torch.randint(-4, 5, shape).to(F64) / 2


def away_from_zero(*shape):
    return positive(*shape, low=0.5, high=2.5) * ((torch.rand(shape) < 0.5).to(F64) * 2 - 1)


def ids(high, *shape):
    return torch.randint(0, high, shape, dtype=torch.int64)


# ---- families ----
def unary():
    fx = Fixture("unary")
    domain = {"log": positive, "sqrt": positive, "rsqrt": positive, "sign": ties, "relu": ties, "abs": ties,
              "floor": lambda *s: normal(*s, scale=2), "exp": lambda *s: normal(*s, scale=2),
              "sigmoid": lambda *s: normal(*s, scale=5), "tanh": lambda *s: normal(*s, scale=2),
              "erf": lambda *s: normal(*s, scale=1.5), "sin": lambda *s: normal(*s, scale=3), "cos": lambda *s: normal(*s, scale=3)}
    for op in UNARY:
        x = domain.get(op, normal)(3, 5)
        for dt, tag in FLOATS:
            fx.case(f"{op}.basic.{tag}", op, [("x", x.to(dt))])
    for dt, tag in FLOATS:  # non-contiguous inputs
        fx.case(f"exp.transposed.{tag}", "exp", [("x", normal(5, 3).to(dt))], views={"x": [["transpose", 0, 1]]})
        fx.case(f"tanh.sliced.{tag}", "tanh", [("x", normal(4, 7).to(dt))], views={"x": [["slice", 1, 1, 7, 2]]})
        fx.case(f"sqrt.expanded.{tag}", "sqrt", [("x", positive(4).to(dt))], views={"x": [["expand", [3, 4]]]})
    for dt, tag in FLOATS:
        x = normal(4, 6, scale=2.5).to(dt)
        fx.case(f"gelu.exact.{tag}", "gelu", [("x", x)], {"approximate": "none"})
        fx.case(f"gelu.tanh.{tag}", "gelu", [("x", x)], {"approximate": "tanh"})
        fx.case(f"quickGelu.basic.{tag}", "quickGelu", [("x", x)])
        fx.case(f"gelu.exact_transposed.{tag}", "gelu", [("x", x)], {"approximate": "none"}, views={"x": [["transpose", 0, 1]]})
    for dt, tag in FLOATS:
        cond = torch.rand(3, 4) < 0.5
        fx.case(f"where.same.{tag}", "where", [("cond", cond), ("x", normal(3, 4).to(dt)), ("y", normal(3, 4).to(dt))])
        fx.case(f"where.broadcast.{tag}", "where", [("cond", torch.rand(3, 1) < 0.5), ("x", normal(4).to(dt)), ("y", normal(3, 4).to(dt))])
        fx.case(f"where.scalar.{tag}", "where", [("cond", cond), ("x", normal(3, 4).to(dt))], {"y": -1.5})
        fx.case(f"where.transposed.{tag}", "where", [("cond", cond), ("x", normal(4, 3).to(dt)), ("y", normal(4).to(dt))],
                views={"x": [["transpose", 0, 1]]})
        x = ties(3, 5).to(dt)
        fx.case(f"clamp.min.{tag}", "clamp", [("x", x)], {"min": -0.5})
        fx.case(f"clamp.max.{tag}", "clamp", [("x", x)], {"max": 1.0})
        fx.case(f"clamp.both.{tag}", "clamp", [("x", x)], {"min": -1.0, "max": 0.5})
    m1, m2 = torch.rand(3, 4) < 0.5, torch.rand(4) < 0.5
    fx.case("logicalAnd.bool.mixed", "logicalAnd", [("x", m1), ("y", m2)])
    fx.case("logicalOr.bool.mixed", "logicalOr", [("x", m1), ("y", m2)])
    fx.case("logicalNot.bool.mixed", "logicalNot", [("x", m1)])
    return fx.save()


BROADCAST_SHAPES = {"same": ([3, 4], [3, 4]), "row": ([3, 4], [4]), "outer": ([3, 1], [1, 4]),
                    "rank3": ([2, 1, 4], [3, 1]), "scalar0d": ([3, 4], [])}


def _binary_cases(fx, ops, shapes, scalar_cases):
    for op, (da, db) in ops.items():
        for variant in shapes:
            sa, sb = BROADCAST_SHAPES[variant]
            a, b = da(*sa), db(*sb)
            for dt, tag in FLOATS:
                fx.case(f"{op}.{variant}.{tag}", op, [("x", a.to(dt)), ("y", b.to(dt))])
        for dt, tag in FLOATS:  # a transposed x and a strided y (every other column)
            a, b = da(4, 3), db(3, 8)
            fx.case(f"{op}.strided.{tag}", op, [("x", a.to(dt)), ("y", b.to(dt))],
                    views={"x": [["transpose", 0, 1]], "y": [["slice", 1, 0, 8, 2]]})
    for i, (op, d, s, side) in enumerate(scalar_cases):  # a JS number on one side
        x = d(3, 4)
        for dt, tag in FLOATS:
            fx.case(f"{op}.scalar{i}_{side}.{tag}", op, [("x", x.to(dt))], {"scalar": s, "side": side})


def binary():
    fx = Fixture("binary")
    arith = {"add": (normal, normal), "sub": (normal, normal), "mul": (normal, normal), "div": (normal, away_from_zero),
             "pow": (positive, normal), "maximum": (ties, ties), "minimum": (ties, ties)}
    scalar_cases = [("add", normal, 2.5, "right"), ("sub", normal, 1.0, "left"), ("mul", normal, -3.0, "right"),
                    ("div", normal, 4.0, "right"), ("div", away_from_zero, 1.0, "left"), ("pow", ties, 2.0, "right"),
                    ("pow", ties, 3.0, "right"), ("pow", positive, 0.5, "right"), ("pow", positive, -1.5, "right"),
                    ("pow", normal, 2.0, "left"), ("maximum", ties, 0.5, "right"), ("minimum", ties, -0.5, "left")]
    _binary_cases(fx, arith, list(BROADCAST_SHAPES), scalar_cases)
    # Type promotion across dtypes.
    xf, yi = normal(3, 4), torch.randint(-5, 6, (3, 4), dtype=torch.int32)
    zi = torch.randint(1, 4, (4,), dtype=torch.int32)
    fx.case("add.f32_f64.mixed", "add", [("x", xf.to(F32)), ("y", normal(4).to(F64))])
    fx.case("mul.i32_f32.mixed", "mul", [("x", yi), ("y", xf.to(F32))])
    fx.case("add.i32_i32.mixed", "add", [("x", yi), ("y", zi)])
    fx.case("div.i32_i32.mixed", "div", [("x", yi), ("y", zi)])
    fx.case("mul.i32_scalar.mixed", "mul", [("x", yi)], {"scalar": 0.5, "side": "right"})
    return fx.save()


def compare():
    fx = Fixture("compare")
    ops = {op: (ties, ties) for op in ["eq", "ne", "lt", "le", "gt", "ge"]}
    scalar_cases = [("lt", ties, 0.0, "right"), ("eq", ties, 0.5, "right"), ("ge", ties, 1.0, "left"), ("ne", ties, -0.5, "left")]
    _binary_cases(fx, ops, ["same", "row", "rank3", "scalar0d"], scalar_cases)
    fx.case("lt.i32_f64.mixed", "lt", [("x", torch.randint(-3, 4, (3, 4), dtype=torch.int32)), ("y", ties(4))])
    fx.case("eq.i32_i32.mixed", "eq", [("x", torch.randint(-3, 4, (3, 4), dtype=torch.int32)), ("y", torch.randint(-3, 4, (4,), dtype=torch.int32))])
    return fx.save()


def reduce():
    fx = Fixture("reduce")
    axes_list = [("all", None), ("a0", 0), ("a1", 1), ("aneg1", -1), ("a02", [0, 2]), ("a12", [1, 2])]
    for dt, tag in FLOATS:
        x = normal(3, 4, 5).to(dt)
        p = positive(3, 4, 5, low=0.6, high=1.5).to(dt)
        t = ties(3, 4, 5).to(dt)
        for variant, axis in axes_list:
            for keepdim in (False, True):
                if keepdim and variant not in ("all", "a1", "a02"):
                    continue
                k = "_keep" if keepdim else ""
                args = {"axis": axis, "keepdim": keepdim}
                fx.case(f"sum.{variant}{k}.{tag}", "sum", [("x", x)], args)
                fx.case(f"mean.{variant}{k}.{tag}", "mean", [("x", x)], args)
                fx.case(f"max.{variant}{k}.{tag}", "max", [("x", x)], args)
                fx.case(f"min.{variant}{k}.{tag}", "min", [("x", x)], args)
                fx.case(f"prod.{variant}{k}.{tag}", "prod", [("x", p)], args)
                fx.case(f"logsumexp.{variant}{k}.{tag}", "logsumexp", [("x", x)], args)
                fx.case(f"var.{variant}{k}.{tag}", "var", [("x", x)], {**args, "correction": 1})
                fx.case(f"var.{variant}{k}_biased.{tag}", "var", [("x", x)], {**args, "correction": 0})
        for variant, axis in [("all", None), ("a0", 0), ("a1", 1), ("aneg1", -1)]:
            for keepdim in (False, True):
                if axis is None and keepdim:
                    continue  # torch ignores keepdim without a dim; Glimpse does too (flattened)
                k = "_keep" if keepdim else ""
                fx.case(f"argmax.{variant}{k}.{tag}", "argmax", [("x", t)], {"axis": axis, "keepdim": keepdim})
                fx.case(f"argmin.{variant}{k}.{tag}", "argmin", [("x", t)], {"axis": axis, "keepdim": keepdim})
        # Non-contiguous inputs.
        xt = normal(5, 4, 3).to(dt)
        perm = {"x": [["permute", [2, 1, 0]]]}
        fx.case(f"sum.permuted_a02.{tag}", "sum", [("x", xt)], {"axis": [0, 2], "keepdim": False}, views=perm)
        fx.case(f"max.permuted_a1.{tag}", "max", [("x", xt)], {"axis": 1, "keepdim": True}, views=perm)
        fx.case(f"var.permuted_a2.{tag}", "var", [("x", xt)], {"axis": 2, "keepdim": False, "correction": 1}, views=perm)
        fx.case(f"argmax.permuted_a0.{tag}", "argmax", [("x", xt)], {"axis": 0, "keepdim": False}, views=perm)
        fx.case(f"mean.sliced_a1.{tag}", "mean", [("x", normal(3, 9).to(dt))], {"axis": 1, "keepdim": False},
                views={"x": [["slice", 1, 1, 9, 3]]})
        # Stability: large values, and -inf entries (masked logits).
        big = (normal(3, 6) * 60).to(dt)
        fx.case(f"logsumexp.large_a1.{tag}", "logsumexp", [("x", big)], {"axis": 1, "keepdim": False})
        masked = normal(3, 6)
        masked[0, 1] = masked[2, 0] = masked[2, 5] = float("-inf")
        fx.case(f"logsumexp.masked_a1.{tag}", "logsumexp", [("x", masked.to(dt))], {"axis": 1, "keepdim": False})
    xi = torch.randint(-50, 50, (3, 4), dtype=torch.int32)
    fx.case("sum.i32_a1.mixed", "sum", [("x", xi)], {"axis": 1, "keepdim": False})
    fx.case("sum.i32_all.mixed", "sum", [("x", xi)], {"axis": None, "keepdim": False})
    fx.case("argmax.i32_a0.mixed", "argmax", [("x", xi)], {"axis": 0, "keepdim": False})
    fx.case("max.i32_a1.mixed", "max", [("x", xi)], {"axis": 1, "keepdim": False})
    fx.case("sum.bool_a0.mixed", "sum", [("x", torch.rand(5, 3) < 0.5)], {"axis": 0, "keepdim": False})
    return fx.save()


def matmul():
    fx = Fixture("matmul")
    T = [["transpose", -2, -1]]
    cases = [
        ("mm", [3, 4], [4, 5], {}),
        ("batched", [2, 3, 4], [2, 4, 5], {}),
        ("broadcast_batch", [2, 1, 3, 4], [3, 4, 5], {}),
        ("vec_mat", [4], [4, 5], {}),
        ("mat_vec", [3, 4], [4], {}),
        ("dot", [6], [6], {}),
        ("vec_batched", [4], [2, 4, 5], {}),
        ("batched_vec", [2, 3, 4], [4], {}),
        ("a_transposed", [4, 3], [4, 5], {"x": T}),
        ("b_transposed", [3, 4], [5, 4], {"y": T}),
        ("both_transposed", [4, 3], [5, 4], {"x": T, "y": T}),
        ("batched_transposed", [2, 4, 3], [2, 5, 4], {"x": T, "y": T}),
        ("b_expanded", [2, 3, 4], [4, 5], {"y": [["expand", [2, 4, 5]]]}),
        ("a_sliced", [3, 8], [4, 5], {"x": [["slice", 1, 1, 8, 2]]}),
        # Odd sizes, and skinny ones that cross 64 along K, M or N (where a blocked gemm has edges).
        ("odd_23x19x21", [23, 19], [19, 21], {}),
        ("k67", [5, 67], [67, 3], {}),
        ("m66", [66, 2], [2, 5], {}),
        ("n66", [2, 3], [3, 66], {}),
        ("k67_a_transposed", [67, 4], [67, 3], {"x": T}),
        ("odd_batched_b_transposed", [2, 9, 13], [2, 7, 13], {"y": T}),
    ]
    for name, sa, sb, views in cases:
        a, b = normal(*sa), normal(*sb)
        for dt, tag in FLOATS:
            fx.case(f"matmul.{name}.{tag}", "matmul", [("x", a.to(dt)), ("y", b.to(dt))], views=views)
    return fx.save()


def nn():
    fx = Fixture("nn")
    for dt, tag in FLOATS:
        x = normal(2, 3, 5, scale=2).to(dt)
        for op in ("softmax", "logSoftmax"):
            for axis in (-1, 0, 1):
                fx.case(f"{op}.a{axis}.{tag}".replace("-", "neg"), op, [("x", x)], {"axis": axis})
            fx.case(f"{op}.large.{tag}", op, [("x", (normal(3, 6) * 80).to(dt))], {"axis": -1})
            masked = normal(3, 6)
            masked[0, 2] = masked[1, 0] = masked[1, 5] = float("-inf")
            fx.case(f"{op}.masked.{tag}", op, [("x", masked.to(dt))], {"axis": -1})
            fx.case(f"{op}.permuted.{tag}", op, [("x", normal(5, 2, 3).to(dt))], {"axis": 1}, views={"x": [["permute", [1, 2, 0]]]})
        h = normal(2, 3, 8, scale=3) + 1.5
        w, b = positive(8, low=0.5, high=1.5), normal(8)
        fx.case(f"layerNorm.affine.{tag}", "layerNorm", [("x", h.to(dt)), ("weight", w.to(dt)), ("bias", b.to(dt))], {"normalizedShape": [8]})
        fx.case(f"layerNorm.plain.{tag}", "layerNorm", [("x", h.to(dt))], {"normalizedShape": [8]})
        fx.case(f"layerNorm.weight_only.{tag}", "layerNorm", [("x", h.to(dt)), ("weight", w.to(dt))], {"normalizedShape": [8]})
        fx.case(f"layerNorm.two_dims.{tag}", "layerNorm", [("x", h.to(dt)), ("weight", normal(3, 8).to(dt)), ("bias", normal(3, 8).to(dt))],
                {"normalizedShape": [3, 8]})
        fx.case(f"layerNorm.bert_eps.{tag}", "layerNorm", [("x", h.to(dt)), ("weight", w.to(dt)), ("bias", b.to(dt))],
                {"normalizedShape": [8], "eps": 1e-12})
        fx.case(f"layerNorm.transposed.{tag}", "layerNorm", [("x", normal(8, 4).to(dt)), ("weight", w.to(dt)), ("bias", b.to(dt))],
                {"normalizedShape": [8]}, views={"x": [["transpose", 0, 1]]})
    return fx.save()


def indexing():
    fx = Fixture("indexing")
    for dt, tag in FLOATS:
        x2, x3 = normal(4, 5).to(dt), normal(3, 4, 5).to(dt)
        fx.case(f"gather.a0.{tag}", "gather", [("x", x2), ("index", ids(4, 3, 5))], {"axis": 0})
        fx.case(f"gather.a1_smaller.{tag}", "gather", [("x", x2), ("index", ids(5, 3, 7))], {"axis": 1})
        fx.case(f"gather.aneg1_3d.{tag}", "gather", [("x", x3), ("index", ids(5, 2, 4, 3))], {"axis": -1})
        fx.case(f"gather.transposed.{tag}", "gather", [("x", normal(5, 4).to(dt)), ("index", ids(5, 3, 2))], {"axis": 1},
                views={"x": [["transpose", 0, 1]]})
        table = normal(10, 6).to(dt)
        fx.case(f"indexSelect.a0_1d.{tag}", "indexSelect", [("x", table), ("index", torch.tensor([3, 0, 3, 9, 1]))], {"axis": 0})
        fx.case(f"indexSelect.a1_1d.{tag}", "indexSelect", [("x", x3), ("index", torch.tensor([2, 2, 0]))], {"axis": 1})
        fx.case(f"indexSelect.embedding.{tag}", "indexSelect", [("x", table), ("index", ids(10, 2, 7))], {"axis": 0},
                note="2-D ids on axis 0 of a [V, D] table: torch reference is F.embedding(ids, table)")
        fx.case(f"indexSelect.a1_2d.{tag}", "indexSelect", [("x", x3), ("index", ids(4, 2, 3))], {"axis": 1})
        base = normal(4, 5).to(dt)
        fx.case(f"scatterAdd.a0_repeats.{tag}", "scatterAdd", [("x", base), ("index", torch.tensor([[0, 1, 0, 3, 3], [0, 1, 0, 3, 2], [1, 1, 1, 1, 1]])),
                                                                 ("src", normal(3, 5).to(dt))], {"axis": 0})
        fx.case(f"scatterAdd.a1_smaller.{tag}", "scatterAdd", [("x", base), ("index", ids(5, 3, 6)), ("src", normal(4, 7).to(dt))], {"axis": 1})
        fx.case(f"scatterAdd.aneg1_3d.{tag}", "scatterAdd", [("x", x3), ("index", ids(5, 3, 2, 8)), ("src", normal(3, 4, 8).to(dt))], {"axis": -1})
    note = "Glimpse's oneHot returns float32 (ready for matmul); torch's one_hot returns int64"
    fx.case("oneHot.1d.mixed", "oneHot", [("x", torch.tensor([0, 3, 1, 3, 4]))], {"numClasses": 5}, dtype="float32", note=note)
    fx.case("oneHot.2d.mixed", "oneHot", [("x", ids(6, 2, 3))], {"numClasses": 7}, dtype="float32", note=note)
    return fx.save()


def join():
    fx = Fixture("join")
    for dt, tag in FLOATS:
        parts = {0: ([2, 3, 4], [1, 3, 4], [3, 3, 4]), 1: ([2, 1, 4], [2, 3, 4], [2, 2, 4]), -1: ([2, 3, 1], [2, 3, 2], [2, 3, 4])}
        for axis, shapes in parts.items():
            xs = [(f"x{i}", normal(*s).to(dt)) for i, s in enumerate(shapes)]
            fx.case(f"concat.a{axis}.{tag}".replace("-", "neg"), "concat", xs, {"axis": axis})
        fx.case(f"concat.transposed.{tag}", "concat", [("x0", normal(4, 2).to(dt)), ("x1", normal(3, 4).to(dt))], {"axis": 0},
                views={"x0": [["transpose", 0, 1]]})
        same = [(f"x{i}", normal(2, 3).to(dt)) for i in range(3)]
        for axis in (0, 1, -1):
            fx.case(f"stack.a{axis}.{tag}".replace("-", "neg"), "stack", same, {"axis": axis})
        x = normal(7, 4).to(dt)
        fx.case(f"split.size3.{tag}", "split", [("x", x)], {"sizes": 3, "axis": 0})
        fx.case(f"split.list.{tag}", "split", [("x", x)], {"sizes": [1, 4, 2], "axis": 0})
        fx.case(f"split.a1.{tag}", "split", [("x", x)], {"sizes": [3, 1], "axis": 1})
        fx.case(f"chunk.7by3.{tag}", "chunk", [("x", x)], {"chunks": 3, "axis": 0})
        fx.case(f"chunk.6by4.{tag}", "chunk", [("x", normal(6, 2).to(dt))], {"chunks": 4, "axis": 0})
        fx.case(f"chunk.aneg1.{tag}", "chunk", [("x", x)], {"chunks": 2, "axis": -1})
        for shape in ([4, 4], [3, 5], [5, 3], [2, 3, 4]):
            m = normal(*shape).to(dt)
            for diagonal in (-1, 0, 1, 2):
                for op in ("triu", "tril"):
                    fx.case(f"{op}.{'x'.join(map(str, shape))}_d{diagonal}.{tag}".replace("-", "neg"), op, [("x", m)], {"diagonal": diagonal})
        fx.case(f"triu.transposed.{tag}", "triu", [("x", normal(5, 3).to(dt))], {"diagonal": 0}, views={"x": [["transpose", 0, 1]]})
    return fx.save()


def edge():
    """NaN, ±inf, ±0, empty tensors, 0-d tensors, size-1 axes: where kernels usually differ."""
    fx = Fixture("edge")
    nan, inf = float("nan"), float("inf")
    special = torch.tensor([[0.5, nan, -1.0, 2.0], [inf, -inf, 0.0, -0.0], [1.0, -2.0, 3.0, nan]], dtype=F64)
    no_nan = torch.tensor([[0.5, 3.0, -1.0, 2.0], [inf, -inf, 0.0, -0.0], [1.0, -2.0, 3.0, -3.0]], dtype=F64)
    pow_base = torch.tensor([1.0, 1.0, 1.0, -1.0, -1.0, 0.0, 0.0, -0.0, inf, -inf, nan, 2.0, -8.0, 0.5], dtype=F64)
    pow_exp = torch.tensor([nan, inf, -inf, inf, -inf, 0.0, -1.0, -1.0, -0.5, 3.0, 0.0, -inf, 1 / 3, inf], dtype=F64)
    for dt, tag in FLOATS:
        x = special.to(dt)
        for op in UNARY:
            # torch.sign(nan) is 0 (pytorch/pytorch#41245, a known divergence from NumPy); Glimpse
            # keeps NaN as NumPy does, so sign is checked here on the other special values only.
            fx.case(f"{op}.special.{tag}", op, [("x", no_nan.to(dt) if op == "sign" else x)])
        fx.case(f"gelu.special.{tag}", "gelu", [("x", x)], {"approximate": "none"})
        fx.case(f"gelu.tanh_special.{tag}", "gelu", [("x", x)], {"approximate": "tanh"})
        fx.case(f"quickGelu.special.{tag}", "quickGelu", [("x", x)])
        fx.case(f"clamp.special.{tag}", "clamp", [("x", x)], {"min": -0.5, "max": 0.5})
        row = torch.tensor([1.0, nan, -inf, 0.0], dtype=dt)
        for op in ("add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "lt", "ge"):
            fx.case(f"{op}.special.{tag}", op, [("x", x), ("y", row)])
        fx.case(f"div.by_zero.{tag}", "div", [("x", x), ("y", torch.tensor([0.0, -0.0, 0.0, -0.0], dtype=dt))])
        fx.case(f"pow.special.{tag}", "pow", [("x", pow_base.to(dt)), ("y", pow_exp.to(dt))])
        fx.case(f"where.nan_unchosen.{tag}", "where", [("cond", ~torch.isnan(special)), ("x", x)], {"y": 0.0})
        for op in ("sum", "mean", "max", "min", "prod", "logsumexp"):
            fx.case(f"{op}.special.{tag}", op, [("x", x)], {"axis": 1, "keepdim": False})
        for op in ("argmax", "argmin"):
            fx.case(f"{op}.special.{tag}", op, [("x", x)], {"axis": 1, "keepdim": False})
        masked = torch.tensor([[1.0, -inf, 2.0], [-inf, -inf, -inf], [inf, 0.0, -inf]], dtype=dt)
        for op in ("softmax", "logSoftmax"):
            fx.case(f"{op}.all_masked.{tag}", op, [("x", masked)], {"axis": -1})
        fx.case(f"logsumexp.all_masked.{tag}", "logsumexp", [("x", masked)], {"axis": [1], "keepdim": True})
        fx.case(f"triu.causal_mask.{tag}", "triu", [("x", torch.full((4, 4), -inf, dtype=dt))], {"diagonal": 1})
        # Empty tensors.
        e = torch.zeros(0, 3, dtype=dt)
        fx.case(f"sum.empty_a0.{tag}", "sum", [("x", e)], {"axis": 0, "keepdim": False})
        fx.case(f"sum.empty_all.{tag}", "sum", [("x", e)], {"axis": None, "keepdim": False})
        fx.case(f"mean.empty_a0.{tag}", "mean", [("x", e)], {"axis": 0, "keepdim": False})
        fx.case(f"prod.empty_a0.{tag}", "prod", [("x", e)], {"axis": 0, "keepdim": False})
        fx.case(f"max.empty_a1.{tag}", "max", [("x", e)], {"axis": 1, "keepdim": False})
        fx.case(f"add.empty.{tag}", "add", [("x", e), ("y", normal(3).to(dt))])
        fx.case(f"exp.empty.{tag}", "exp", [("x", e)])
        fx.case(f"softmax.empty.{tag}", "softmax", [("x", e)], {"axis": -1})
        fx.case(f"layerNorm.empty.{tag}", "layerNorm", [("x", e)], {"normalizedShape": [3]})
        fx.case(f"matmul.k0.{tag}", "matmul", [("x", torch.zeros(2, 0, dtype=dt)), ("y", torch.zeros(0, 3, dtype=dt))])
        fx.case(f"matmul.m0.{tag}", "matmul", [("x", e), ("y", normal(3, 2).to(dt))])
        fx.case(f"concat.with_empty.{tag}", "concat", [("x0", normal(2, 3).to(dt)), ("x1", e), ("x2", normal(1, 3).to(dt))], {"axis": 0})
        fx.case(f"split.zero_size.{tag}", "split", [("x", normal(4, 2).to(dt))], {"sizes": [0, 3, 1], "axis": 0})
        fx.case(f"gather.empty_index.{tag}", "gather", [("x", normal(3, 4).to(dt)), ("index", torch.zeros(3, 0, dtype=torch.int64))], {"axis": 1})
        # 0-d tensors and size-1 axes.
        s = torch.tensor(1.5, dtype=dt)
        fx.case(f"sum.scalar.{tag}", "sum", [("x", s)], {"axis": None, "keepdim": False})
        fx.case(f"max.scalar_a0.{tag}", "max", [("x", s)], {"axis": 0, "keepdim": False})
        fx.case(f"softmax.scalar.{tag}", "softmax", [("x", s)], {"axis": 0})
        fx.case(f"argmax.scalar.{tag}", "argmax", [("x", s)], {"axis": None, "keepdim": False})
        fx.case(f"exp.scalar.{tag}", "exp", [("x", s)])
        fx.case(f"var.size1_axis.{tag}", "var", [("x", normal(3, 1).to(dt))], {"axis": 1, "keepdim": False, "correction": 1})
        fx.case(f"var.size1_biased.{tag}", "var", [("x", normal(3, 1).to(dt))], {"axis": 1, "keepdim": False, "correction": 0})
        fx.case(f"softmax.size1_axis.{tag}", "softmax", [("x", normal(3, 1).to(dt))], {"axis": 1})
        fx.case(f"layerNorm.constant_rows.{tag}", "layerNorm", [("x", torch.full((2, 4), 3.0, dtype=dt)), ("weight", normal(4).to(dt)), ("bias", normal(4).to(dt))],
                {"normalizedShape": [4]})
    i = torch.tensor([[1, 0, -1], [7, -7, 0]], dtype=torch.int32)
    fx.case("div.i32_by_zero.mixed", "div", [("x", i), ("y", torch.zeros(3, dtype=torch.int32))])
    fx.case("triu.bool.mixed", "triu", [("x", torch.ones(3, 4, dtype=torch.bool))], {"diagonal": 0})
    fx.case("tril.i32.mixed", "tril", [("x", torch.randint(-5, 5, (3, 3), dtype=torch.int32))], {"diagonal": -1})
    fx.case("concat.bool.mixed", "concat", [("x0", torch.rand(2, 2) < 0.5), ("x1", torch.rand(1, 2) < 0.5)], {"axis": 0})
    fx.case("stack.i32.mixed", "stack", [("x0", torch.randint(-5, 5, (3,), dtype=torch.int32)), ("x1", torch.randint(-5, 5, (3,), dtype=torch.int32))], {"axis": 1})
    fx.case("where.i32.mixed", "where", [("cond", torch.rand(2, 3) < 0.5), ("x", torch.randint(-5, 5, (2, 3), dtype=torch.int32)), ("y", torch.randint(-5, 5, (3,), dtype=torch.int32))])
    return fx.save()


def main():
    total = sum(f() for f in (unary, binary, compare, reduce, matmul, nn, indexing, join, edge))
    print(f"total {total / 1024:.1f} KB (torch {torch.__version__})")
    write_dtype_fixture()  # fixtures/safetensors/from_python.*, for the safetensors reader's test


if __name__ == "__main__":
    use_reference_blas()
    main()
