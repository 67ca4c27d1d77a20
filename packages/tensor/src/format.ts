/**
 * Printing like PyTorch: `tensor([[1.0000, 2.5000], …], dtype=torch.float64)`. Floats share one
 * format chosen from the data (integers print as `1.`, a wide range switches to scientific),
 * columns are right-aligned, and tensors over 1000 elements are summarised with `...`.
 */
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

const PREFIX = 'tensor(';
const EDGE = 3;
const THRESHOLD = 1000;

function chooseFormat(values: ArrayLike<number>, dtype: DType): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  const finite = Array.from(values).filter((v) => Number.isFinite(v));
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  const allInts = finite.every((v) => Number.isInteger(v));
  const maxAbs = nonzero.length ? Math.max(...nonzero) : 0;
  const minAbs = nonzero.length ? Math.min(...nonzero) : 0;
  if (allInts) {
    if (maxAbs > 1e8) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
    return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  }
  const sci = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4;
  if (sci) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

export function formatTensor(t: Tensor): string {
  const data = t.dataSync();
  const summarise = t.size > THRESHOLD;
  const fmt = chooseFormat(data, t.dtype);
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const shown = (d: number): (number | null)[] => {
    const n = t.shape[d]!;
    if (!summarise || n <= 2 * EDGE) return [...Array(n).keys()];
    return [...Array(EDGE).keys(), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
  };
  // Width of the widest printed element, so every column lines up.
  let width = 0;
  const cells: string[] = [];
  const collect = (d: number, at: number) => {
    if (d === t.rank) return void cells.push(fmt(data[at]!));
    for (const i of shown(d)) if (i !== null) collect(d + 1, at + i * strides[d]!);
  };
  collect(0, 0);
  for (const c of cells) width = Math.max(width, c.length);
  const render = (d: number, at: number, indent: number): string => {
    if (d === t.rank) return fmt(data[at]!).padStart(width);
    const parts = shown(d).map((i) => (i === null ? '...' : render(d + 1, at + i * strides[d]!, indent + 1)));
    if (d === t.rank - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(t.rank - d - 1) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  const suffix: string[] = [];
  if (t.size === 0 && t.rank > 1) suffix.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype === 'float64' || t.dtype === 'int32') suffix.push(`dtype=torch.${t.dtype}`);
  const body = t.size === 0 ? '[]' : render(0, 0, PREFIX.length);
  return `${PREFIX}${body}${suffix.map((s) => `, ${s}`).join('')})`;
}
