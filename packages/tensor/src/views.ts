/**
 * Views: new (shape, strides, offset) over the same storage, no data copied. This is where
 * strides earn their keep: transpose swaps two strides, expand sets a stride to 0, slice moves
 * the offset and multiplies a stride by the step.
 */
import { assertShape, contiguousStrides, fmtShape, normalizeAxis, normalizeDim, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

function withView(x: Tensor, shape: readonly number[], strides: readonly number[], offset = x.offset): Tensor {
  return new Tensor(x.storage, x.dtype, shape, strides, offset, x.backend);
}

/** Resolves one -1 in a requested shape and checks the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new Error(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  const known = shape.filter((d) => d !== -1);
  assertShape(op, known);
  const knownSize = sizeOf(known);
  const out = shape.map((d) => (d === -1 ? (knownSize === 0 ? 0 : x.size / knownSize) : d));
  if (!Number.isInteger(out.find((_, i) => shape[i] === -1) ?? 0) || sizeOf(out) !== x.size) {
    throw new Error(`${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
  }
  return out;
}

/**
 * Strides for viewing x as `shape` without a copy, or undefined when impossible
 * (PyTorch's computeStride: each run of dims that is contiguous in x can be re-split freely).
 */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | undefined {
  if (x.size === 0 || x.isContiguous()) return contiguousStrides(shape);
  const oldShape = x.shape;
  const oldStrides = x.strides;
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    const endOfChunk = d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase);
    if (endOfChunk) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return undefined;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : undefined;
}

/** Same data, new shape; errors if the layout makes that impossible without a copy. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('view', x, shape);
  const strides = viewStrides(x, target);
  if (!strides) {
    throw new Error(`view: a tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(target)}; use reshape (it copies)`);
  }
  return withView(x, target, strides);
}

/** Like view, but copies when the layout requires it (PyTorch's reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', x, shape);
  const strides = viewStrides(x, target);
  return strides ? withView(x, target, strides) : view(x.contiguous(), target);
}

/** A view with the dims reordered: result dim i is input dim `axes[i]` (no copy). */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length !== x.rank) throw new Error(`permute: got ${axes.length} axes [${axes.join(',')}] for a tensor of rank ${x.rank}`);
  const norm = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (new Set(norm).size !== norm.length) throw new Error(`permute: axes [${axes.join(',')}] repeat an axis`);
  return withView(x, norm.map((a) => x.shape[a]!), norm.map((a) => x.strides[a]!));
}

/** A view with dims `a` and `b` swapped (by default the last two), sharing storage. */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const axes = [...Array(x.rank).keys()];
  const i = normalizeAxis('transpose', a, x.rank);
  const j = normalizeAxis('transpose', b, x.rank);
  if (x.rank === 0) return permute(x, []); // a 0-d tensor is its own transpose, as in PyTorch
  [axes[i], axes[j]] = [axes[j]!, axes[i]!];
  return permute(x, axes);
}

/** Elements start, start+step, … < end along `axis` (negative start/end count from the end). */
export function slice(x: Tensor, axis: number, start = 0, end?: number, step = 1): Tensor {
  const d = normalizeDim('slice', axis, x.rank);
  const n = x.shape[d]!;
  if (!Number.isInteger(step) || step < 1) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clamp(start);
  const e = Math.max(clamp(end ?? n), s);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = Math.ceil((e - s) / step);
  strides[d] = x.strides[d]! * step;
  return withView(x, shape, strides, x.offset + s * x.strides[d]!);
}

/** `length` elements from `start` along `axis`; unlike slice, out-of-range is an error. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', axis, x.rank);
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n) {
    throw new Error(`narrow: start ${start} + length ${length} exceeds dim ${d} of size ${n} (shape ${fmtShape(x.shape)})`);
  }
  return slice(x, d, s, s + length);
}

/** Picks index `i` along `axis` and drops that axis (x[:, i] in PyTorch). */
export function select(x: Tensor, axis: number, i: number): Tensor {
  const d = normalizeDim('select', axis, x.rank);
  const n = x.shape[d]!;
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(j) || j < 0 || j >= n) throw new Error(`select: index ${i} is out of range for dim ${d} of size ${n}`);
  return withView(x, x.shape.filter((_, k) => k !== d), x.strides.filter((_, k) => k !== d), x.offset + j * x.strides[d]!);
}

/** Broadcasts to `shape` with stride 0 on the new or size-1 dims (-1 keeps a dim). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.rank) throw new Error(`expand: cannot expand ${fmtShape(x.shape)} to fewer dims ${fmtShape(shape)}`);
  const lead = shape.length - x.rank;
  const strides = shape.map((d, i) => {
    if (i < lead) {
      if (d < 0) throw new Error(`expand: -1 is not allowed for the new leading dim ${i} in ${fmtShape(shape)}`);
      return 0;
    }
    const own = x.shape[i - lead]!;
    if (d === -1 || d === own) return x.strides[i - lead]!;
    if (own === 1) return 0;
    throw new Error(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)} (dim ${i}: ${own} → ${d}; only size-1 dims expand)`);
  });
  return withView(x, shape.map((d, i) => (d === -1 ? x.shape[i - lead]! : d)), strides);
}

/** Removes size-1 dims (all of them, or the given axes, which must have size 1). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  if (x.rank === 0) {
    if (axis !== undefined) (typeof axis === 'number' ? [axis] : axis).forEach((a) => normalizeAxis('squeeze', a, 0));
    return withView(x, [], []);
  }
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.rank));
  for (const a of axes) if (x.shape[a] !== 1) throw new Error(`squeeze: dim ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return withView(x, x.shape.filter((_, i) => !axes.includes(i)), x.strides.filter((_, i) => !axes.includes(i)));
}

/** Inserts a size-1 dim at `axis` (in the result's numbering, so -1 appends). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const d = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.rank ? x.strides[d]! * x.shape[d]! : 1);
  return withView(x, shape, strides);
}

/** Merges dims startDim..endDim into one (a view when possible, else a copy). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startDim, x.rank);
  const e = normalizeAxis('flatten', endDim, x.rank);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}
