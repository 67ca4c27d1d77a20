/**
 * Gradient parity with PyTorch: replays every case of fixtures/autograd/*.safetensors (written by
 * tools/oracle/autograd.py; conventions in its docstring) with Variables, back-propagates torch's
 * upstream gradient and compares the output and the gradient of every input with torch's.
 *
 * Tolerances are the forward parity test's (float64 1e-12, float32 1e-6 relative; a floor of
 * max|torch| where terms cancel; exact for data movement), from @glimpse/tensor/testing/parity.
 * Each op below names how its output and its gradients are compared:
 *   exact     the rule only moves, masks or negates g (views, concat, where, relu, clamp, …);
 *   relative  g times a factor computed element-wise (exp, log, mul, prod, max's g/count, …);
 *   scaled    the rule sums (matmul, softmax, layerNorm, var's x − mean, gathers with repeated
 *             indices, crossEntropy). A gradient summed over broadcast dims (an operand smaller
 *             than the output of an element-wise op, or behind an `expand` view) is scaled too.
 *             The floor is max|torch| over the gradient or max|upstream gradient|, whichever is
 *             larger: the terms a rule sums are of the upstream gradient's size, so a gradient
 *             that is a short sum cancelling to near 0 (a 0-d operand of add) is not its own floor.
 *
 * GLIMPSE_PARITY_REPORT=1 prints the worst error measured per dtype (relative to max(|torch|,
 * floor) as above).
 *
 * Deliberate differences from PyTorch: none in the gradients. (relu(-0) is +0 here, -0 in
 * torch; signed zeros are not told apart, as in the forward test.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isFloat, Tensor } from '@glimpse/tensor';
import {
  applyViews, compare, forwardComparison, parseFamily, type Args, type Comparison, type Family,
} from '@glimpse/tensor/testing/parity';
import * as A from './index.js';
import { backends } from './test-util.js';
import { Variable } from './variable.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/autograd/', import.meta.url));

/** Backends to replay on: the gradcheck suite's (cpu, and gpu where GL works; GLIMPSE_BACKENDS overrides). */
const BACKENDS = backends;

type Input = Variable | Tensor;
interface Replay {
  run: (xs: Input[], a: Args) => Variable | Variable[];
  /** How the output is compared (default: as the tensor op's forward parity test does). */
  out?: Comparison;
  /** How the gradients are compared. */
  grad: Comparison;
  /** Element-wise: an operand broadcast against the output gets a summed, hence scaled, gradient. */
  elementwise?: boolean;
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const V = (x: Input | undefined): Variable => {
  if (!(x instanceof Variable)) throw new Error('fixture input should be a Variable (a float input that gets a gradient)');
  return x;
};
const T = (x: Input | undefined): Tensor => {
  if (!(x instanceof Tensor)) throw new Error('fixture input should be a Tensor (ids, a mask or a target)');
  return x;
};
const unary = (f: (x: Variable) => Variable, grad: Comparison = 'relative'): Replay => ({ run: ([x]) => f(V(x)), grad, elementwise: true });
const binary = (f: (a: A.VarLike, b: A.VarLike) => Variable, grad: Comparison): Replay => ({
  run: ([x, y], a) => (a.scalar === undefined ? f(V(x), V(y)) : a.side === 'left' ? f(a.scalar, V(x)) : f(V(x), a.scalar)),
  grad,
  elementwise: true,
});
type Axes = number | number[] | undefined;
const reduction = (f: (x: Variable, axis: Axes, keepdim: boolean) => Variable, grad: Comparison): Replay => ({
  run: ([x], a) => f(V(x), opt(a.axis), a.keepdim),
  grad,
});
const view = (f: (x: Variable, a: Args) => Variable): Replay => ({ run: ([x], a) => f(V(x), a), out: 'exact', grad: 'exact' });

/** The Glimpse side of each op, mirroring TORCH / TORCH_AUTOGRAD in tools/oracle. */
const REPLAY: Record<string, Replay> = {
  add: binary(A.add, 'exact'), sub: binary(A.sub, 'exact'), mul: binary(A.mul, 'relative'), div: binary(A.div, 'relative'),
  pow: binary(A.pow, 'relative'), maximum: binary(A.maximum, 'exact'), minimum: binary(A.minimum, 'exact'),
  neg: unary(A.neg, 'exact'), abs: unary(A.abs, 'exact'), relu: unary(A.relu, 'exact'),
  exp: unary(A.exp), log: unary(A.log), sqrt: unary(A.sqrt), rsqrt: unary(A.rsqrt), tanh: unary(A.tanh),
  sigmoid: unary(A.sigmoid), erf: unary(A.erf), sin: unary(A.sin), cos: unary(A.cos),
  clamp: { run: ([x], a) => A.clamp(V(x), opt(a.min), opt(a.max)), grad: 'exact' },
  where: { run: ([cond, x, y], a) => A.where(T(cond), V(x), y ?? a.y), grad: 'exact', elementwise: true },
  cast: { run: ([x], a) => A.cast(V(x), a.dtype), out: 'exact', grad: 'exact' },
  reshape: view((x, a) => x.reshape(a.shape)),
  view: view((x, a) => x.view(a.shape)),
  flatten: view((x, a) => x.flatten(a.startDim, a.endDim)),
  squeeze: view((x, a) => x.squeeze(opt(a.axis))),
  unsqueeze: view((x, a) => x.unsqueeze(a.axis)),
  permute: view((x, a) => x.permute(a.axes)),
  transpose: view((x, a) => x.transpose(a.a, a.b)),
  expand: { ...view((x, a) => x.expand(a.shape)), grad: 'scaled' },
  slice: view((x, a) => x.slice(a.axis, opt(a.start), opt(a.end), a.step)),
  narrow: view((x, a) => x.narrow(a.axis, a.start, a.length)),
  select: view((x, a) => x.select(a.axis, a.index)),
  contiguous: view((x) => x.contiguous()),
  sum: reduction(A.sum, 'exact'), mean: reduction(A.mean, 'relative'), max: reduction(A.max, 'relative'),
  min: reduction(A.min, 'relative'), prod: reduction(A.prod, 'relative'), logsumexp: reduction(A.logsumexp, 'relative'),
  var: { run: ([x], a) => A.variance(V(x), opt(a.axis), a.keepdim, a.correction), grad: 'scaled' },
  matmul: { run: ([x, y]) => A.matmul(V(x), V(y)), grad: 'scaled' },
  gather: { run: ([x, index], a) => A.gather(V(x), a.axis, T(index)), grad: 'scaled' },
  indexSelect: { run: ([x, index], a) => A.indexSelect(V(x), a.axis, T(index)), grad: 'scaled' },
  scatterAdd: { run: ([x, index, src], a) => A.scatterAdd(V(x), a.axis, T(index), V(src)), grad: 'exact' },
  concat: { run: (xs, a) => A.concat(xs.map(V), a.axis), grad: 'exact' },
  stack: { run: (xs, a) => A.stack(xs.map(V), a.axis), grad: 'exact' },
  split: { run: ([x], a) => A.split(V(x), a.sizes, a.axis), grad: 'exact' },
  chunk: { run: ([x], a) => A.chunk(V(x), a.chunks, a.axis), grad: 'exact' },
  triu: { run: ([x], a) => A.triu(V(x), a.diagonal), grad: 'exact' },
  tril: { run: ([x], a) => A.tril(V(x), a.diagonal), grad: 'exact' },
  gelu: { run: ([x], a) => A.gelu(V(x), a.approximate), grad: 'scaled' },
  quickGelu: { run: ([x]) => A.quickGelu(V(x)), grad: 'scaled' },
  softmax: { run: ([x], a) => A.softmax(V(x), a.axis), grad: 'scaled' },
  logSoftmax: { run: ([x], a) => A.logSoftmax(V(x), a.axis), grad: 'scaled' },
  layerNorm: {
    run: ([x, w, b], a) => A.layerNorm(V(x), a.normalizedShape, w && V(w), b && V(b), a.eps),
    grad: 'scaled',
  },
  crossEntropy: {
    run: ([x, target], a) => A.crossEntropy(V(x), T(target), { reduction: a.reduction, ignoreIndex: a.ignoreIndex, labelSmoothing: a.labelSmoothing }),
    out: 'scaled',
    grad: 'scaled',
  },
};

const families: Family[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.safetensors'))
  .sort()
  .map((file) => parseFamily(readFileSync(FIXTURES + file), `fixtures/autograd/${file}`));

/** Errors measured over every output and gradient; GLIMPSE_PARITY_REPORT=1 prints the worst per dtype and op. */
const measured: { dtype: string; op: string; error: number; where: string }[] = [];
afterAll(() => {
  if (!process.env['GLIMPSE_PARITY_REPORT']) return;
  const worst = new Map<string, (typeof measured)[number]>();
  for (const m of measured) {
    for (const key of [m.dtype, `${m.dtype} ${m.op}`]) if (m.error > (worst.get(key)?.error ?? -1)) worst.set(key, m);
  }
  for (const [key, m] of [...worst].sort(([a], [b]) => a.localeCompare(b))) console.log(`worst ${key}: ${m.error.toExponential(2)} (${m.where})`);
});

describe('fixtures/autograd', () => {
  it('exist, were made by tools/oracle/autograd.py, and cover every op the replay table knows', () => {
    expect(families.map((f) => f.name)).toEqual(['binary', 'edge', 'indexing', 'join', 'loss', 'matmul', 'nn', 'reduce', 'unary', 'views']);
    const ops = new Set(families.flatMap((f) => f.cases.map(([, c]) => c.op)));
    expect([...ops].sort()).toEqual(Object.keys(REPLAY).sort());
    for (const f of families) expect(f.cases.length, f.name).toBeGreaterThan(0);
  });
});

describe.each(BACKENDS)('gradient parity with PyTorch on %s', (backend) => {
  describe.each(families.map((f) => [f.name, f] as const))('%s', (_, { tensors, cases }) => {
    it.each(cases)('%s', (name, spec) => {
      const load = (tensorName: string): Tensor => {
        const t = tensors[tensorName];
        if (!t) throw new Error(`fixture has no tensor '${tensorName}' (case ${name})`);
        return backend === 'cpu' ? t : t.to(backend);
      };
      const replay = REPLAY[spec.op];
      if (!replay) throw new Error(`no replay for op '${spec.op}'`);
      const grads = spec.grads ?? [];
      const leaves = new Map<string, Variable>();
      const inputs = Object.entries(spec.inputs).map(([label, tensorName]) => {
        const value = applyViews(load(tensorName), spec.leafViews?.[label] ?? []);
        if (!grads.includes(label)) return applyViews(value, spec.views?.[label] ?? []);
        expect(isFloat(value.dtype), `${label} gets a gradient, so it is a float`).toBe(true);
        const leaf = new Variable(value, { requiresGrad: true });
        leaves.set(label, leaf);
        return applyViews<Variable>(leaf, spec.views?.[label] ?? []);
      });
      const result = replay.run(inputs, spec.args);
      const outs = Array.isArray(result) ? result : [result];
      const n = spec.outputs;
      const suffixes = n === undefined ? [''] : Array.from({ length: n }, (_, i) => `${i}`);
      expect(outs.length, 'number of outputs').toBe(suffixes.length);
      const tag = (what: string) => `${name} ${what}${spec.note ? ` (${spec.note})` : ''}`;
      const check = (what: string, actual: Tensor, expected: Tensor, how: Comparison, termScale = 0) => {
        const { problem, worst: error } = compare(actual, expected, expected.dtype, how, termScale);
        if (Number.isFinite(error)) measured.push({ dtype: expected.dtype, op: spec.op, error, where: `${name} ${what}` });
        expect(problem, tag(what)).toBe('');
      };

      let goutScale = 0; // the size of the terms a rule sums: |upstream gradient| (times derivatives of order 1)
      outs.forEach((out, i) => {
        check(`output ${i}`, out.data, load(`${name}.out${suffixes[i]}`), replay.out ?? forwardComparison(spec.op));
        const gout = load(`${name}.gout${suffixes[i]}`);
        if (gout.size > 0) goutScale = Math.max(goutScale, gout.abs().max().item());
        out.backward(gout, { retainGraph: true });
      });
      const outShape = outs[0]!.shape.join();
      for (const label of grads) {
        const leaf = leaves.get(label)!;
        const viewed = inputs[Object.keys(spec.inputs).indexOf(label)]!;
        const broadcast = (replay.elementwise && viewed.shape.join() !== outShape) || (spec.views?.[label] ?? []).some(([k]) => k === 'expand');
        const how: Comparison = broadcast ? 'scaled' : replay.grad;
        expect(leaf.grad, tag(`gradient of ${label}`)).toBeDefined();
        check(`gradient of ${label}`, leaf.grad!, load(`${name}.grad.${label}`), how, goutScale);
      }
    });
  });
});
