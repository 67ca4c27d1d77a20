/**
 * Score matrices as the metrics take them: a 2-D Tensor, nested arrays, or a flat row-major
 * array with its shape. Pure (no Node imports) so the metrics run anywhere.
 */
import type { Tensor } from '@glimpse/tensor';

/** rows × cols scores, row-major. */
export interface FlatScores {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/** A score matrix: a 2-D Tensor, nested arrays, or a flat row-major array with its shape. */
export type ScoreMatrix = Tensor | readonly (readonly number[])[] | FlatScores;

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dataSync' in x && 'shape' in x;
}

/** Reads any ScoreMatrix into a flat array; every score must be finite (NaN has no rank). */
export function readScores(op: string, what: string, m: ScoreMatrix): FlatScores {
  let flat: FlatScores;
  if (isTensor(m)) {
    if (m.rank !== 2) throw new Error(`${op}: ${what} must be 2-D, got shape [${m.shape.join(', ')}]`);
    flat = { data: m.dataSync(), rows: m.shape[0]!, cols: m.shape[1]! };
  } else if (Array.isArray(m)) {
    const rows = m as readonly (readonly number[])[];
    const cols = rows.length === 0 ? 0 : rows[0]!.length;
    const data = new Float64Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) throw new Error(`${op}: ${what} row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, row 0 has ${cols}`);
      data.set(row, i * cols);
    });
    flat = { data, rows: rows.length, cols };
  } else {
    flat = m as FlatScores;
    if (flat.data.length !== flat.rows * flat.cols) throw new Error(`${op}: ${what} has ${flat.data.length} values, ${flat.rows}×${flat.cols} needs ${flat.rows * flat.cols}`);
  }
  for (let i = 0; i < flat.data.length; i++) {
    if (!Number.isFinite(flat.data[i]!)) {
      throw new Error(`${op}: ${what}[${Math.floor(i / flat.cols)}][${i % flat.cols}] is ${flat.data[i]}; scores must be finite`);
    }
  }
  return flat;
}

/**
 * How a tie with the true item counts. 'optimistic' (the reference definition: rank = number of
 * candidates scoring strictly higher) gives a collapsed model whose scores are all equal a
 * perfect score; 'pessimistic' counts every other candidate scoring ≥ the true one as above it,
 * which is the honest choice when checking that an untrained model sits at chance.
 */
export type TieRule = 'optimistic' | 'pessimistic';
