/**
 * Parity with PyTorch: replays every case of fixtures/ops/*.safetensors (written by
 * tools/oracle/ops.py; the conventions are in its docstring) through Glimpse and compares.
 *
 * Tolerances (float64 1e-12, float32 1e-6 relative; a magnitude floor where terms cancel; exact
 * for data movement and int/bool) and the comparison itself live in ../testing/parity.ts, shared
 * with the autograd package's gradient parity test; forwardComparison(op) there says which ops
 * are exact and which are scaled.
 *
 * Deliberate differences from PyTorch: int64 results (argmax, integer sums, one_hot, indices)
 * are int32 in Glimpse; oneHot returns float32 (recorded per case in the fixture: `dtype`,
 * `note`); sign(NaN) is NaN as in NumPy, where PyTorch's eager kernel gives 0
 * (pytorch/pytorch#41245), so the oracle leaves NaN out of sign's inputs. Signed zeros are
 * not told apart (relu(-0) is +0 here, -0 in torch).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as G from '../index.js';
import type { Tensor } from '../tensor.js';
import { backends } from '../testing/backends.js';
import { applyViews, forwardComparison, mismatch, parseFamily, type Args, type Family } from '../testing/parity.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/ops/', import.meta.url));

/** Backends to replay on: the op suite's (cpu, and gpu where GL works; GLIMPSE_BACKENDS overrides). */
const BACKENDS = backends;

type Replay = (xs: Tensor[], a: Args) => Tensor | Tensor[];
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const unary = (f: (x: Tensor) => Tensor): Replay => ([x]) => f(x!);
const binary = (f: (a: G.TensorLike, b: G.TensorLike) => Tensor): Replay => ([x, y], a) =>
  a.scalar === undefined ? f(x!, y!) : a.side === 'left' ? f(a.scalar, x!) : f(x!, a.scalar);
const reduction = (f: (x: Tensor, axis?: number | number[], keepdim?: boolean) => Tensor): Replay => ([x], a) =>
  f(x!, opt(a.axis), a.keepdim);

/** The Glimpse side of each op, mirroring TORCH in tools/oracle/ops.py. */
const REPLAY: Record<string, Replay> = {
  neg: unary(G.neg), abs: unary(G.abs), sign: unary(G.sign), exp: unary(G.exp), log: unary(G.log),
  sqrt: unary(G.sqrt), rsqrt: unary(G.rsqrt), tanh: unary(G.tanh), sigmoid: unary(G.sigmoid),
  relu: unary(G.relu), erf: unary(G.erf), sin: unary(G.sin), cos: unary(G.cos), floor: unary(G.floor),
  logicalNot: unary(G.logicalNot),
  gelu: ([x], a) => G.gelu(x!, a.approximate),
  quickGelu: unary(G.quickGelu),
  add: binary(G.add), sub: binary(G.sub), mul: binary(G.mul), div: binary(G.div), pow: binary(G.pow),
  maximum: binary(G.maximum), minimum: binary(G.minimum),
  eq: binary(G.eq), ne: binary(G.ne), lt: binary(G.lt), le: binary(G.le), gt: binary(G.gt), ge: binary(G.ge),
  logicalAnd: binary(G.logicalAnd), logicalOr: binary(G.logicalOr),
  where: ([cond, x, y], a) => G.where(cond!, x!, y ?? a.y),
  clamp: ([x], a) => G.clamp(x!, opt(a.min), opt(a.max)),
  sum: reduction(G.sum), mean: reduction(G.mean), max: reduction(G.max), min: reduction(G.min),
  prod: reduction(G.prod), logsumexp: reduction(G.logsumexp),
  var: ([x], a) => G.variance(x!, opt(a.axis), a.keepdim, a.correction),
  argmax: ([x], a) => G.argmax(x!, opt(a.axis), a.keepdim),
  argmin: ([x], a) => G.argmin(x!, opt(a.axis), a.keepdim),
  matmul: ([x, y]) => G.matmul(x!, y!),
  softmax: ([x], a) => G.softmax(x!, a.axis),
  logSoftmax: ([x], a) => G.logSoftmax(x!, a.axis),
  layerNorm: ([x, w, b], a) => G.layerNorm(x!, a.normalizedShape, w, b, a.eps),
  gather: ([x, index], a) => G.gather(x!, a.axis, index!),
  indexSelect: ([x, index], a) => G.indexSelect(x!, a.axis, index!),
  scatterAdd: ([x, index, src], a) => G.scatterAdd(x!, a.axis, index!, src!),
  oneHot: ([ids], a) => G.oneHot(ids!, a.numClasses),
  concat: (xs, a) => G.concat(xs, a.axis),
  stack: (xs, a) => G.stack(xs, a.axis),
  split: ([x], a) => G.split(x!, a.sizes, a.axis),
  chunk: ([x], a) => G.chunk(x!, a.chunks, a.axis),
  triu: ([x], a) => G.triu(x!, a.diagonal),
  tril: ([x], a) => G.tril(x!, a.diagonal),
};

const families: Family[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.safetensors'))
  .sort()
  .map((file) => parseFamily(readFileSync(FIXTURES + file), `fixtures/ops/${file}`));

describe('fixtures/ops', () => {
  it('exist, were made by tools/oracle/ops.py, and cover every op the replay table knows', () => {
    expect(families.map((f) => f.name)).toEqual(['binary', 'compare', 'edge', 'indexing', 'join', 'matmul', 'nn', 'reduce', 'unary']);
    const ops = new Set(families.flatMap((f) => f.cases.map(([, c]) => c.op)));
    expect([...ops].sort()).toEqual(Object.keys(REPLAY).sort());
    for (const f of families) expect(f.cases.length, f.name).toBeGreaterThan(0);
  });
});

describe.each(BACKENDS)('parity with PyTorch on %s', (backend) => {
  describe.each(families.map((f) => [f.name, f] as const))('%s', (_, { tensors, cases }) => {
    it.each(cases)('%s', (name, spec) => {
      const load = (tensorName: string) => {
        const t = tensors[tensorName];
        if (!t) throw new Error(`fixture has no tensor '${tensorName}' (case ${name})`);
        return backend === 'cpu' ? t : t.to(backend);
      };
      const inputs = Object.entries(spec.inputs).map(([label, tensorName]) => applyViews(load(tensorName), spec.views?.[label] ?? []));
      const replay = REPLAY[spec.op];
      if (!replay) throw new Error(`no replay for op '${spec.op}'`);
      const result = replay(inputs, spec.args);
      const outs = Array.isArray(result) ? result : [result];
      const expected = spec.outputs === undefined ? [load(`${name}.out`)] : Array.from({ length: spec.outputs }, (_, i) => load(`${name}.out${i}`));
      expect(outs.length, 'number of outputs').toBe(expected.length);
      outs.forEach((out, i) => {
        const problem = mismatch(out, expected[i]!, spec.dtype ?? expected[i]!.dtype, forwardComparison(spec.op));
        expect(problem, `${name} output ${i}${spec.note ? ` (${spec.note})` : ''}`).toBe('');
      });
    });
  });
});
