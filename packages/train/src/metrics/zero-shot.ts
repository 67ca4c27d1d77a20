/**
 * Zero-shot classification accuracy: top-K from logits [samples, classes] and the true class of
 * each sample. A sample counts as correct at K when its true class ranks < K, rank = number of
 * classes scoring strictly higher (as `retrievalMetrics`; `ties: 'pessimistic'` counts every
 * other class scoring ≥ the true one, so a constant classifier is not "always right").
 */
import { summarizeRanks } from './retrieval.js';
import { readScores, type ScoreMatrix, type TieRule } from './scores.js';

/** Top-K accuracies, each sample's rank, and per-class top-1. */
export interface TopKResult {
  /** accuracy[K] = fraction of samples whose true class ranks < K. */
  readonly accuracy: Readonly<Record<number, number>>;
  /** Each sample's 0-based rank of its true class. */
  readonly ranks: Int32Array;
  /** Per-class top-1 accuracy (NaN for a class with no samples), for a confusion-style look. */
  readonly perClassTop1: Float64Array;
}

/** Top-K accuracy of `logits` [samples, classes] against `labels` (class indices); see the file comment. */
export function topKAccuracy(logits: ScoreMatrix, labels: readonly number[], opts: { ks?: readonly number[]; ties?: TieRule } = {}): TopKResult {
  const op = 'topKAccuracy';
  const ks = opts.ks ?? [1, 5];
  const ties = opts.ties ?? 'optimistic';
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`${op}: ks must be positive integers, got [${ks.join(', ')}]`);
  if (ties !== 'optimistic' && ties !== 'pessimistic') throw new Error(`${op}: ties must be 'optimistic' or 'pessimistic', got ${JSON.stringify(ties)}`);
  const { data, rows, cols } = readScores(op, 'logits', logits);
  if (labels.length !== rows) throw new Error(`${op}: logits have ${rows} rows but there are ${labels.length} labels`);
  const ranks = new Int32Array(rows);
  const hits = new Float64Array(cols);
  const counts = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= cols) throw new Error(`${op}: labels[${i}] = ${y} is not a class index in [0, ${cols})`);
    const truth = data[i * cols + y]!;
    let rank = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[i * cols + c]!;
      if (c !== y && (ties === 'optimistic' ? v > truth : v >= truth)) rank++;
    }
    ranks[i] = rank;
    counts[y]! += 1;
    if (rank === 0) hits[y]! += 1;
  }
  const { recall } = summarizeRanks(ranks, ks);
  return { accuracy: recall, ranks, perClassTop1: hits.map((h, c) => (counts[c] === 0 ? NaN : h / counts[c]!)) };
}
