/**
 * Kernel sources for the gpu backend, as JavaScript that gpu.js translates to GLSL.
 *
 * Every storage is a 1-D float texture (one float per element). A kernel computes one output
 * element per thread: it turns the flat output index into coordinates, turns coordinates into a
 * flat position in each input through that input's (offset, strides) — passed as float uniforms,
 * so one compiled kernel serves every shape of its rank — and fetches. Index arithmetic is done in
 * float32, exact for integers below 2^24, which bounds a storage at 16,777,216 elements.
 *
 * Sources are plain strings built from small pieces here; gpu.js compiles each once (per GL
 * context) and the backend caches the kernel under the source text.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend.js';
import type { DType } from '../dtype.js';

/** The largest rank a kernel supports after size-1 dims are dropped and contiguous dims merged. */
export const MAX_RANK = 8;

/** Largest element count whose flat index float32 holds exactly. */
export const MAX_ELEMENTS = 2 ** 24;

/**
 * Drops size-1 dims and merges neighbours that every operand walks contiguously
 * (strides[k][d] = strides[k][d+1]·shape[d+1]), so most calls run a rank-1 or rank-2 kernel.
 * Always returns at least one dim.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Statements that split the float `src` into coordinates `${c}0..${c}{rank-1}` of a row-major
 * shape held in uniforms `${s}0..`. The quotient is corrected after the float division so the
 * result is exact even where a GPU's division is not correctly rounded.
 */
function decompose(src: string, rank: number, c: string, s: string): string {
  const lines = [`let ${c}r = ${src};`];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(
      `let ${c}q${d} = Math.floor((${c}r + 0.5) / ${s}${d});`,
      `let ${c}${d} = ${c}r - ${c}q${d} * ${s}${d};`,
      `if (${c}${d} < 0.0) { ${c}q${d} = ${c}q${d} - 1.0; ${c}${d} = ${c}${d} + ${s}${d}; }`,
      `if (${c}${d} >= ${s}${d}) { ${c}q${d} = ${c}q${d} + 1.0; ${c}${d} = ${c}${d} - ${s}${d}; }`,
      `${c}r = ${c}q${d};`,
    );
  }
  lines.push(`let ${c}0 = ${c}r;`);
  return lines.join('\n');
}

/** `o + c0*t0 + c1*t1 + …` for an operand's offset/stride uniforms. */
function position(rank: number, c: string, operand: string): string {
  return [`${operand}o`, ...range(rank).map((d) => `${c}${d} * ${operand}t${d}`)].join(' + ');
}

/** Uniform names of an operand: its offset and one stride per dim. */
const operandParams = (rank: number, operand: string) => [`${operand}o`, ...range(rank).map((d) => `${operand}t${d}`)];
const shapeParams = (rank: number, s: string) => range(rank).map((d) => `${s}${d}`);

/** The value `dtype` stores for the float `v`: int32 truncates toward zero, bool is `v ≠ 0` (NaN is true). */
export function storeExpr(dtype: DType, v: string): string {
  if (dtype === 'int32') return `(${v} < 0.0 ? Math.ceil(${v}) : Math.floor(${v}))`;
  if (dtype === 'bool') return `(${v} != 0.0 ? 1.0 : 0.0)`;
  return v;
}

// ---- scalar functions (float32), each a list of statements ending in `let y = …;` ----

/** fdlibm's erf rational approximations (as in cpu/erf.ts), evaluated in float32. */
const ERF = `
let ax = Math.abs(x);
let sgn = x < 0.0 ? -1.0 : 1.0;
let y = 0.0;
if (ax < 0.84375) {
  let z = x * x;
  let p = 1.28379167095512558561e-1 + z * (-3.25042107247001499370e-1 + z * (-2.84817495755985104766e-2 + z * (-5.77027029648944159157e-3 + z * -2.37630166566501626084e-5)));
  let q = 1.0 + z * (3.97917223959155352819e-1 + z * (6.50222499887672944485e-2 + z * (5.08130628187576562776e-3 + z * (1.32494738004321644526e-4 + z * -3.96022827877536812320e-6))));
  y = x + x * (p / q);
} else {
  if (ax < 1.25) {
    let s = ax - 1.0;
    let p = -2.36211856075265944077e-3 + s * (4.14856118683748331666e-1 + s * (-3.72207876035701323847e-1 + s * (3.18346619901161753674e-1 + s * (-1.10894694282396677476e-1 + s * (3.54783043256182359371e-2 + s * -2.16637559486879084300e-3)))));
    let q = 1.0 + s * (1.06420880400844228286e-1 + s * (5.40397917702171048937e-1 + s * (7.18286544141962662868e-2 + s * (1.26171219808761642112e-1 + s * (1.36370839120290507362e-2 + s * 1.19844998467991074170e-2)))));
    y = sgn * (8.45062911510467529297e-1 + p / q);
  } else {
    if (ax >= 6.0) {
      y = sgn;
    } else {
      let s = 1.0 / (ax * ax);
      let ratio = 0.0;
      if (ax < 2.857142857142857) {
        let r = -9.86494403484714822705e-3 + s * (-6.93858572707181764372e-1 + s * (-1.05586262253232909814e1 + s * (-6.23753324503260060396e1 + s * (-1.62396669462573470355e2 + s * (-1.84605092906711035994e2 + s * (-8.12874355063065934246e1 + s * -9.81432934416914548592))))));
        let q = 1.0 + s * (1.96512716674392571292e1 + s * (1.37657754143519042600e2 + s * (4.34565877475229228821e2 + s * (6.45387271733267880336e2 + s * (4.29008140027567833386e2 + s * (1.08635005541779435134e2 + s * (6.57024977031928170135 + s * -6.04244152148580987438e-2)))))));
        ratio = r / q;
      } else {
        let r = -9.86494292470009928597e-3 + s * (-7.99283237680523006574e-1 + s * (-1.77579549177547519889e1 + s * (-1.60636384855821916062e2 + s * (-6.37566443368389627722e2 + s * (-1.02509513161107724954e3 + s * -4.83519191608651397019e2)))));
        let q = 1.0 + s * (3.03380607434824582924e1 + s * (3.25792512996573918826e2 + s * (1.53672958608443695994e3 + s * (3.19985821950859553908e3 + s * (2.55305040643316442583e3 + s * (4.74528541206955367215e2 + s * -2.24409524465858183362e1))))));
        ratio = r / q;
      }
      y = sgn * (1.0 - Math.exp(-ax * ax - 0.5625 + ratio) / ax);
    }
  }
}
if (x != x) { y = x; }`;

/** tanh without overflow (exp of −2|x|) and without cancellation near 0 (Cephes tanhf's polynomial). */
const TANH = `
let ax = Math.abs(x);
let y = 0.0;
if (ax < 0.625) {
  let z = x * x;
  y = x + x * z * (-3.33332819422e-1 + z * (1.33314422036e-1 + z * (-5.37397155531e-2 + z * (2.06390887954e-2 + z * -5.70498872745e-3))));
} else {
  let e = Math.exp(-2.0 * ax);
  y = (1.0 - e) / (1.0 + e);
  if (x < 0.0) { y = -y; }
}
if (x != x) { y = x; }`;

const UNARY: Record<UnaryOp, string> = {
  neg: 'let y = -x;',
  abs: 'let y = Math.abs(x);',
  sign: 'let y = x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);',
  exp: 'let y = Math.exp(x);',
  log: 'let y = Math.log(x);',
  sqrt: 'let y = Math.sqrt(x);',
  rsqrt: 'let y = 1.0 / Math.sqrt(x);',
  tanh: TANH,
  // Two branches keep exp() from overflowing for large |x|, as on the cpu.
  sigmoid: 'let y = 0.0;\nif (x >= 0.0) { y = 1.0 / (1.0 + Math.exp(-x)); } else { let e = Math.exp(x); y = e / (1.0 + e); }\nif (x != x) { y = x; }',
  relu: 'let y = x > 0.0 ? x : (x != x ? x : 0.0);',
  erf: ERF,
  sin: 'let y = Math.sin(x);',
  cos: 'let y = Math.cos(x);',
  floor: 'let y = Math.floor(x);',
  not: 'let y = x != 0.0 ? 0.0 : 1.0;',
};

/** C's pow (as PyTorch and Math.pow), built on GLSL's pow(|a|, b) = exp2(b·log2|a|). */
const POW = `
let y = 0.0;
if (a == 1.0 || b == 0.0) {
  y = 1.0;
} else {
  if (a != a || b != b) {
    y = a + b;
  } else {
    if (b == 2.0) {
      y = a * a;
    } else {
      if (b == 1.0) {
        y = a;
      } else {
        let ab = Math.abs(a);
        let isInt = 0.0;
        if (Math.floor(b) == b) { isInt = 1.0; }
        let odd = 0.0;
        if (isInt > 0.5 && Math.abs(b) < 16777216.0) {
          if (Math.abs(b - 2.0 * Math.floor(b * 0.5)) == 1.0) { odd = 1.0; }
        }
        if (ab == 0.0) {
          if (b > 0.0) {
            y = 0.0;
            if (odd > 0.5) { y = a; }
          } else {
            y = 1.0 / ab;
            if (odd > 0.5 && 1.0 / a < 0.0) { y = -y; }
          }
        } else {
          if (a == -1.0 && Math.abs(b) > 3.0e38) {
            y = 1.0;
          } else {
            y = Math.pow(ab, b);
            if (a < 0.0) {
              if (isInt < 0.5) { y = (a - a) / (a - a); }
              if (odd > 0.5) { y = -y; }
            }
          }
        }
      }
    }
  }
}`;

const BINARY: Record<BinaryOp, string> = {
  add: 'let y = a + b;',
  sub: 'let y = a - b;',
  mul: 'let y = a * b;',
  div: 'let y = a / b;',
  pow: POW,
  // NaN propagates, as in PyTorch (GLSL's max/min leave it unspecified).
  maximum: 'let y = (a != a || b != b) ? a + b : Math.max(a, b);',
  minimum: 'let y = (a != a || b != b) ? a + b : Math.min(a, b);',
  eq: 'let y = a == b ? 1.0 : 0.0;',
  ne: 'let y = a != b ? 1.0 : 0.0;',
  lt: 'let y = a < b ? 1.0 : 0.0;',
  le: 'let y = a <= b ? 1.0 : 0.0;',
  gt: 'let y = a > b ? 1.0 : 0.0;',
  ge: 'let y = a >= b ? 1.0 : 0.0;',
  and: 'let y = (a != 0.0 && b != 0.0) ? 1.0 : 0.0;',
  or: 'let y = (a != 0.0 || b != 0.0) ? 1.0 : 0.0;',
};

/** A kernel: its gpu.js source and the names of its parameters, in call order. */
export interface KernelSource {
  readonly source: string;
  readonly params: readonly string[];
}

function fn(params: readonly string[], body: string): KernelSource {
  return { source: `function (${params.join(', ')}) {\n${body}\n}`, params };
}

const OUT_INDEX = 'this.thread.x + 0.0';

/**
 * out[i] = f(x₁[p₁(i)], …) for element-wise maps over strided operands of the output's shape
 * (already broadcast: stride 0 on broadcast dims). `body` reads the fetched values `v0, v1, …`
 * and must declare `y`.
 */
function mapKernel(operands: number, rank: number, body: string, dtype: DType): KernelSource {
  const names = range(operands).map((k) => `x${k}`);
  const params = [...names, ...shapeParams(rank, 's'), ...names.flatMap((n) => operandParams(rank, n))];
  const fetches = names.map((n, k) => `let v${k} = ${n}[${position(rank, 'c', n)}];`);
  return fn(params, [decompose(OUT_INDEX, rank, 'c', 's'), ...fetches, body, `return ${storeExpr(dtype, 'y')};`].join('\n'));
}

export const copyKernel = (rank: number, dtype: DType) => mapKernel(1, rank, 'let y = v0;', dtype);
export const unaryKernel = (op: UnaryOp, rank: number, dtype: DType) => mapKernel(1, rank, `let x = v0;\n${UNARY[op]}`, dtype);
export const binaryKernel = (op: BinaryOp, rank: number, dtype: DType) => mapKernel(2, rank, `let a = v0;\nlet b = v1;\n${BINARY[op]}`, dtype);
export const whereKernel = (rank: number, dtype: DType) => mapKernel(3, rank, 'let y = v0 != 0.0 ? v1 : v2;', dtype);

/** Copies host data (an uploaded array) into a texture of its own. */
export const uploadKernel = (): KernelSource => fn(['data'], 'return data[this.thread.x];');

/**
 * The most loop iterations one kernel invocation may run: llvmpipe (Mesa's software GL, what CI
 * runs) stops every shader loop after 65535 back-edges in total, silently. Kernels stay below it:
 * long reductions go in two passes, long matmul inner dims in slices.
 */
export const LOOP_LIMIT = 65535;

/**
 * Reductions: thread i reduces chunk p of kept position q (i = q·P + p), i.e. the reduced
 * positions [p·C, min(n, p·C + C)), walking coordinates `r…` over the reduced dims. With P = 1
 * and C = n it is the whole reduction; with P > 1 a second pass reduces the P partial results
 * (see GpuBackend.reduce). argmax/argmin return the absolute position of the chunk's best. `init`
 * is a uniform so ±Infinity need no GLSL literal.
 */
export function reduceKernel(op: ReduceOp, keptRank: number, reducedRank: number, dtype: DType): KernelSource {
  const params = ['x', ...shapeParams(keptRank, 's'), ...operandParams(keptRank, 'x'), 'n', ...shapeParams(reducedRank, 'u'), ...range(reducedRank).map((d) => `rt${d}`), 'init', 'P', 'C'];
  const inner = ['let kf = start + k;', decompose('kf', reducedRank, 'r', 'u'), `let v = x[base + ${range(reducedRank).map((d) => `r${d} * rt${d}`).join(' + ')}];`];
  let loop: string;
  let result: string;
  if (op === 'argmax' || op === 'argmin') {
    const better = op === 'argmax' ? 'v > best' : 'v < best';
    loop = `let best = init;\nlet at = start;\nfor (let k = 0.0; k < cnt; k++) {\n${inner.join('\n')}\nif (kf == start || (best == best && (${better} || v != v))) { best = v; at = kf; }\n}`;
    result = 'at';
  } else {
    const step = {
      sum: 'acc = acc + v;',
      prod: 'acc = acc * v;',
      max: 'if (v > acc || v != v) { acc = v; }',
      min: 'if (v < acc || v != v) { acc = v; }',
    }[op];
    // Once acc is NaN, max/min keep it: NaN wins, as in PyTorch.
    const guard = op === 'max' || op === 'min' ? 'if (acc == acc) { ' : '{ ';
    loop = `let acc = init;\nfor (let k = 0.0; k < cnt; k++) {\n${inner.join('\n')}\n${guard}${step} }\n}`;
    result = 'acc';
  }
  const body = [
    `let i = ${OUT_INDEX};`,
    'let q = Math.floor((i + 0.5) / P);',
    'let p = i - q * P;',
    'if (p < 0.0) { q = q - 1.0; p = p + P; }',
    'if (p >= P) { q = q + 1.0; p = p - P; }',
    decompose('q', keptRank, 'c', 's'),
    `let base = ${position(keptRank, 'c', 'x')};`,
    'let start = p * C;',
    'let cnt = Math.min(C, n - start);',
    loop,
    `return ${storeExpr(dtype, result)};`,
  ];
  return fn(params, body.join('\n'));
}

/**
 * Batched matmul: thread i → (batch, m, n); a row of a times a column of b, summed in float32.
 * Batch dims are coalesced like any map's (batchRank ≥ 1; a single batch is one dim of size 1).
 */
export function matmulKernel(batchRank: number, dtype: DType): KernelSource {
  const params = ['a', 'b', 'M', 'N', 'K', ...shapeParams(batchRank, 's'), ...operandParams(batchRank, 'a'), 'ar', 'ac', ...operandParams(batchRank, 'b'), 'br', 'bc'];
  const body = [
    `let i = ${OUT_INDEX};`,
    'let row = Math.floor((i + 0.5) / N);',
    'let col = i - row * N;',
    'if (col < 0.0) { row = row - 1.0; col = col + N; }',
    'if (col >= N) { row = row + 1.0; col = col - N; }',
    'let bat = Math.floor((row + 0.5) / M);',
    'let m = row - bat * M;',
    'if (m < 0.0) { bat = bat - 1.0; m = m + M; }',
    'if (m >= M) { bat = bat + 1.0; m = m - M; }',
    decompose('bat', batchRank, 'c', 's'),
    `let pa = ${position(batchRank, 'c', 'a')} + m * ar;`,
    `let pb = ${position(batchRank, 'c', 'b')} + col * bc;`,
    'let acc = 0.0;',
    'for (let k = 0.0; k < K; k++) {\nacc = acc + a[pa + k * ac] * b[pb + k * br];\n}',
    `return ${storeExpr(dtype, 'acc')};`,
  ];
  return fn(params, body.join('\n'));
}

/**
 * gather: out[p] = x[p with p[axis] := index[p]]. The x operand's strides have 0 on `axis`
 * (its position comes from the fetched index times `step`), so the dims coalesce like a map's.
 */
export function gatherKernel(rank: number): KernelSource {
  const params = ['x', 'idx', ...shapeParams(rank, 's'), ...operandParams(rank, 'x'), ...operandParams(rank, 'i'), 'step'];
  const body = [decompose(OUT_INDEX, rank, 'c', 's'), `let j = idx[${position(rank, 'c', 'i')}];`, `return x[${position(rank, 'c', 'x')} + j * step];`];
  return fn(params, body.join('\n'));
}

/**
 * scatterAdd without atomics: each output element q starts from x[q] and loops over the
 * index's extent along `axis`, adding src[p] where index[p] = q[axis] (p = q with p[axis] := t,
 * inside the index's shape). Contributions arrive in index order, as on the cpu.
 */
export function scatterAddKernel(rank: number, axis: number): KernelSource {
  const params = ['x', 'idx', 'src', ...shapeParams(rank, 's'), ...operandParams(rank, 'x'), ...operandParams(rank, 'i'), ...operandParams(rank, 'r'), ...shapeParams(rank, 'n')];
  const others = range(rank).filter((d) => d !== axis);
  const inside = others.length ? others.map((d) => `c${d} < n${d}`).join(' && ') : 'true';
  const pos = (op: string) => [`${op}o`, ...others.map((d) => `c${d} * ${op}t${d}`), `t * ${op}t${axis}`].join(' + ');
  const body = [
    decompose(OUT_INDEX, rank, 'c', 's'),
    `let acc = x[${position(rank, 'c', 'x')}];`,
    `if (${inside}) {`,
    `for (let t = 0.0; t < n${axis}; t++) {`,
    `let j = idx[${pos('i')}];`,
    `if (j == c${axis}) { acc = acc + src[${pos('r')}]; }`,
    '}',
    '}',
    'return acc;',
  ];
  return fn(params, body.join('\n'));
}

/** Two views joined along `axis`: coordinates below `split` read a, the rest read b. */
export function concatKernel(rank: number, axis: number): KernelSource {
  const params = ['a', 'b', ...shapeParams(rank, 's'), ...operandParams(rank, 'a'), ...operandParams(rank, 'b'), 'split'];
  const body = [
    decompose(OUT_INDEX, rank, 'c', 's'),
    'let y = 0.0;',
    `if (c${axis} < split) { y = a[${position(rank, 'c', 'a')}]; } else { y = b[${position(rank, 'c', 'b')} - split * bt${axis}]; }`,
    'return y;',
  ];
  return fn(params, body.join('\n'));
}
