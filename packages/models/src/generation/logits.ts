/**
 * Next-token choice, one row of logits at a time, on the host. A step hands back B·V numbers
 * that must be read out anyway to pick tokens, and every rule below is a small loop over one
 * row, so plain float64 arrays keep the rules readable next to their definitions (and the same on
 * every backend). The order is Hugging Face's: penalties and the minimum length first, then the
 * sampling warpers temperature → top-k → top-p.
 */
import type { Generator, Tensor } from '@glimpse/tensor';

/** The rows of logits [N, V] as float64 arrays. */
export function logitRows(logits: Tensor): Float64Array[] {
  if (logits.rank !== 2) throw new Error(`generation: a decoder step must return logits [batch, vocab], got [${logits.shape.join(',')}]`);
  const [N, V] = logits.shape as [number, number];
  const flat = Float64Array.from(logits.dataSync());
  return Array.from({ length: N }, (_, i) => flat.subarray(i * V, (i + 1) * V));
}

/**
 * CTRL's repetition penalty (Keskar et al. 2019) as Hugging Face applies it: every token already
 * in the sequence (prompt included, each counted once) has a positive logit divided by `penalty`
 * and a negative one multiplied by it, so with penalty > 1 it always becomes less likely.
 */
export function penalizeRepeats(row: Float64Array, previous: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(previous)) {
    const v = row[id]!;
    row[id] = v < 0 ? v * penalty : v / penalty;
  }
}

/** Forbids a token (EOS before the minimum length): its logit becomes −∞. */
export function forbid(row: Float64Array, id: number): void {
  row[id] = -Infinity;
}

export function logSumExp(row: Float64Array): number {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** log softmax of a row, as a new array. */
export function logSoftmax(row: Float64Array): Float64Array {
  const lse = logSumExp(row);
  return row.map((v) => v - lse);
}

/** Index of the largest value; the first one on ties (torch.argmax). */
export function argmax(row: Float64Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** Divides by the temperature: < 1 sharpens the distribution, > 1 flattens it. */
export function applyTemperature(row: Float64Array, temperature: number): void {
  if (temperature === 1) return;
  for (let i = 0; i < row.length; i++) row[i] = row[i]! / temperature;
}

/** Top-k (Fan et al. 2018): −∞ for every token below the k-th largest logit (ties with it stay). */
export function topKFilter(row: Float64Array, k: number): void {
  if (k <= 0 || k >= row.length) return;
  const kth = Float64Array.from(row).sort()[row.length - k]!;
  for (let i = 0; i < row.length; i++) if (row[i]! < kth) row[i] = -Infinity;
}

/**
 * Nucleus / top-p (Holtzman et al. 2020): keeps the smallest set of most likely tokens whose
 * probabilities add up to at least p (the most likely token always stays), −∞ for the rest.
 */
export function topPFilter(row: Float64Array, p: number): void {
  if (p >= 1) return;
  const probs = softmax(row);
  const order = Array.from(row.keys()).filter((i) => probs[i]! > 0);
  order.sort((a, b) => probs[b]! - probs[a]! || a - b);
  let total = 0;
  let kept = 0;
  while (kept < order.length && (kept === 0 || total < p)) total += probs[order[kept++]!]!;
  const keep = new Set(order.slice(0, kept));
  for (let i = 0; i < row.length; i++) if (!keep.has(i)) row[i] = -Infinity;
}

export function softmax(row: Float64Array): Float64Array {
  const lse = logSumExp(row);
  return row.map((v) => Math.exp(v - lse));
}

/**
 * One draw from softmax(row) (torch.multinomial with one sample): a uniform number from the
 * seeded generator, walked along the cumulative probabilities, so equal seeds give equal tokens.
 */
export function sampleToken(row: Float64Array, generator: Generator): number {
  const probs = softmax(row);
  const u = generator.uniform();
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! === 0) continue;
    cumulative += probs[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  // Rounding can leave the total a hair below 1: the last possible token takes the remainder.
  if (last < 0) throw new Error('generation: every token has probability 0 (all logits are −∞)');
  return last;
}
