/**
 * Printing like PyTorch's `torch/_tensor_str.py`: `tensor([[1.0000, 2.5000], …], dtype=torch.float64)`.
 * Floats share one format chosen from the nonzero finite values shown (integers print as `1.`, a
 * wide range switches to scientific), every element is right-aligned to the widest of those,
 * rows wrap at 80 columns, and tensors over 1000 elements are summarised with `...`.
 */
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

const PREFIX = 'tensor(';
const EDGE = 3;
const THRESHOLD = 1000;
const LINEWIDTH = 80;
const PRECISION = 4;

/**
 * Python's `{:.Nf}` / `{:.Ne}` for a finite number: exact ties round half to even (JS rounds
 * them away from zero), -0 keeps its sign, exponents have at least two digits.
 */
function pyFormat(v: number, digits: number, mode: 'f' | 'e'): string {
  const a = Math.abs(v);
  const render = (n: number) => (mode === 'f' ? a.toFixed(n) : a.toExponential(n));
  let s = render(digits);
  const [mant, exp] = render(Math.min(100, digits + 60)).split('e') as [string, string | undefined];
  const point = mant.indexOf('.');
  const kept = mant.slice(0, digits === 0 ? point : point + 1 + digits);
  if (/^50*$/.test(mant.slice(point + 1 + digits)) && Number(kept[kept.length - 1]) % 2 === 0) {
    s = kept + (exp === undefined ? '' : `e${exp}`);
  }
  if (mode === 'e') s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return (v < 0 || Object.is(v, -0) ? '-' : '') + s;
}

/** PyTorch's _Formatter: the element format and width, from the values that will be shown. */
function formatter(values: readonly number[], dtype: DType): { width: number; fmt: (v: number) => string } {
  if (dtype === 'bool' || dtype === 'int32') {
    const str = dtype === 'bool' ? (v: number) => (v ? 'True' : 'False') : String;
    return { width: Math.max(1, ...values.map((v) => str(v).length)), fmt: str };
  }
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
  let fmt: (v: number) => string = (v) => (Number.isFinite(v) ? `${pyFormat(v, 0, 'f')}.` : special(v));
  if (nonzero.length > 0) {
    const abs = nonzero.map(Math.abs);
    const [lo, hi] = [Math.min(...abs), Math.max(...abs)];
    const intMode = nonzero.every(Number.isInteger);
    if (hi / lo > 1000 || hi > 1e8 || (!intMode && lo < 1e-4)) fmt = (v) => (Number.isFinite(v) ? pyFormat(v, PRECISION, 'e') : special(v));
    else if (!intMode) fmt = (v) => (Number.isFinite(v) ? pyFormat(v, PRECISION, 'f') : special(v));
  }
  // Only nonzero finite values set the width (so `nan` or `0.` never widen a column).
  return { width: Math.max(1, ...nonzero.map((v) => fmt(v).length)), fmt };
}

export function formatTensor(t: Tensor): string {
  const data = t.dataSync();
  const summarise = t.size > THRESHOLD;
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const shown = (d: number): (number | null)[] => {
    const n = t.shape[d]!;
    if (!summarise || n <= 2 * EDGE) return [...Array(n).keys()];
    return [...Array(EDGE).keys(), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
  };
  // The format is chosen from the elements that are printed (all, or the summary's corners).
  const values: number[] = [];
  const collect = (d: number, at: number): void => {
    if (d === t.rank) return void values.push(data[at]!);
    for (const i of shown(d)) if (i !== null) collect(d + 1, at + i * strides[d]!);
  };
  collect(0, 0);
  const { width, fmt } = formatter(values, t.dtype);
  const cell = (v: number) => fmt(v).padStart(width);
  const render = (d: number, at: number, indent: number): string => {
    if (d === t.rank) return cell(data[at]!);
    if (d === t.rank - 1) {
      const items = shown(d).map((i) => (i === null ? ' ...' : cell(data[at + i * strides[d]!]!)));
      const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const parts = shown(d).map((i) => (i === null ? '...' : render(d + 1, at + i * strides[d]!, indent + 1)));
    return `[${parts.join(',' + '\n'.repeat(t.rank - d - 1) + ' '.repeat(indent + 1))}]`;
  };
  const suffixes: string[] = [];
  if (t.size === 0) {
    if (t.rank !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    // No elements to show the dtype, so every non-default one is named (bool included).
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
  } else if (t.dtype === 'float64' || t.dtype === 'int32') {
    suffixes.push(`dtype=torch.${t.dtype}`);
  }
  let out = PREFIX + (t.size === 0 ? '[]' : render(0, 0, PREFIX.length));
  // A suffix that would pass the line width goes on its own line (PyTorch's _add_suffixes).
  let lastLine = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(PREFIX.length)}${s}`;
      lastLine = PREFIX.length + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}
