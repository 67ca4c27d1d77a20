/** Shape arithmetic shared by every op: sizes, strides, broadcasting, axis normalisation. */

export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for the 0-d shape []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy/PyTorch broadcasting: align from the right; each pair of dims is equal or one is 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else throw new Error(`${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast (dim ${j}: ${out[j]} vs ${d})`);
    }
  }
  return out;
}

/**
 * Turns a possibly negative axis into 0..rank-1, or throws naming the op. As in PyTorch, a 0-d
 * tensor accepts axis 0 and -1 (both 0), for reductions and softmax over "its only element".
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const n = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + n : axis;
}

/** Like normalizeAxis, for ops that index into the dim (so a 0-d tensor has none to offer). */
export function normalizeDim(op: string, axis: number, rank: number): number {
  if (rank === 0) throw new Error(`${op}: cannot be applied to a 0-d tensor (it has no dims)`);
  return normalizeAxis(op, axis, rank);
}

/** Normalises a list of axes (undefined = all), sorted and without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new Error(`${op}: repeated axis in [${list.join(',')}]`);
  return out.sort((a, b) => a - b);
}

export function assertShape(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)} (dims must be integers ≥ 0)`);
  }
}
