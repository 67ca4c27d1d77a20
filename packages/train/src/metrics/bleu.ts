/**
 * BLEU-1..4 for captions, defined as pycocoevalcap's `Bleu(4)` computes it (its bleu_scorer.py,
 * Papineni et al. 2002 with the choices below), so numbers compare with published captioning
 * results (BLIP's COCO BLEU-4 38.6 is this metric, on PTB-tokenised captions):
 *
 * - per image: candidate length c; reference length r = the reference length closest to c
 *   (ties → the shorter, option "closest"); for each n, guess_n = max(0, c − n + 1) and
 *   correct_n = Σ over the candidate's n-grams of min(count, max count in any one reference)
 *   (clipped counts);
 * - corpus BLEU-N: c, r, guess, correct summed over all images, then
 *     BLEU-N = (Π_{n≤N} (correct_n + 1e-15) / (guess_n + 1e-9))^(1/N) · BP,
 *     BP = exp(1 − r/c) when c < r, else 1 (the ratio is (c + 1e-15) / (r + 1e-9));
 *   — so BLEU-N is the geometric mean of the first N precisions, not a product of separate
 *   scores, and a corpus with no 4-gram match gets BLEU-4 ≈ 0, not an error.
 * - per-image scores use the same formula on one image's counts (what `Bleu` returns as its
 *   second value); their mean is *not* the corpus score.
 * Tokenisation: see `ptbTokenize` (pass tokenize: 'whitespace' for pre-tokenised captions).
 */
import { checkCaptionInputs, countNgrams, ngramOrder, tokenizerOf, type CaptionTokenizer } from './ngrams.js';

/** Options of `bleu`. */
export interface BleuOptions {
  /** Highest n-gram order (default 4: BLEU-1..4). */
  n?: number;
  tokenize?: CaptionTokenizer;
}

/** Corpus BLEU-1…n, per-image scores and the pooled counts behind them. */
export interface BleuResult {
  /** Corpus BLEU-1 … BLEU-n. */
  readonly bleu: readonly number[];
  /** perImage[i][k] = BLEU-(k+1) of image i alone. */
  readonly perImage: readonly (readonly number[])[];
  /** Total candidate length c and effective reference length r (for the brevity penalty). */
  readonly candidateLength: number;
  readonly referenceLength: number;
  /** Σ correct_n and Σ guess_n per order (the clipped precisions' numerators and denominators). */
  readonly correct: readonly number[];
  readonly guess: readonly number[];
}

const TINY = 1e-15;
const SMALL = 1e-9;

/** BLEU scores from summed counts, as bleu_scorer.compute_score does it (one image or the corpus). */
function scores(correct: readonly number[], guess: readonly number[], c: number, r: number): number[] {
  const out: number[] = [];
  let product = 1;
  for (let k = 0; k < correct.length; k++) {
    product *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    out.push(product ** (1 / (k + 1)));
  }
  const ratio = (c + TINY) / (r + SMALL);
  if (ratio < 1) for (let k = 0; k < out.length; k++) out[k]! *= Math.exp(1 - 1 / ratio);
  return out;
}

/** Corpus and per-image BLEU of `candidates[i]` against `references[i]`. */
export function bleu(references: readonly (readonly string[])[], candidates: readonly string[], opts: BleuOptions = {}): BleuResult {
  const op = 'bleu';
  const n = opts.n ?? 4;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: n must be a positive integer, got ${n}`);
  checkCaptionInputs(op, references, candidates);
  const tokenize = tokenizerOf(op, opts.tokenize);
  const totalCorrect = new Array<number>(n).fill(0);
  const totalGuess = new Array<number>(n).fill(0);
  let totalC = 0;
  let totalR = 0;
  const perImage: number[][] = [];
  candidates.forEach((candidate, i) => {
    const maxRef = new Map<string, number>();
    const refLengths: number[] = [];
    for (const ref of references[i]!) {
      const words = tokenize(ref);
      refLengths.push(words.length);
      for (const [g, count] of countNgrams(words, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, count));
    }
    const words = tokenize(candidate);
    const c = words.length;
    // Closest reference length; on a tie, the shorter one (Python's min over (|l − c|, l)).
    let r = refLengths[0]!;
    for (const l of refLengths) if (Math.abs(l - c) < Math.abs(r - c) || (Math.abs(l - c) === Math.abs(r - c) && l < r)) r = l;
    const guess = Array.from({ length: n }, (_, k) => Math.max(0, c - k));
    const correct = new Array<number>(n).fill(0);
    for (const [g, count] of countNgrams(words, n)) correct[ngramOrder(g) - 1]! += Math.min(maxRef.get(g) ?? 0, count);
    perImage.push(scores(correct, guess, c, r));
    totalC += c;
    totalR += r;
    for (let k = 0; k < n; k++) {
      totalCorrect[k]! += correct[k]!;
      totalGuess[k]! += guess[k]!;
    }
  });
  return {
    bleu: scores(totalCorrect, totalGuess, totalC, totalR),
    perImage,
    candidateLength: totalC,
    referenceLength: totalR,
    correct: totalCorrect,
    guess: totalGuess,
  };
}
