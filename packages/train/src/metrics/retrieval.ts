/**
 * Retrieval recall: R@K for image→text and text→image over one score matrix, with several
 * captions per image (COCO has five). The definition (REFERENCE.md, as BLIP's and open_clip's
 * evaluation code computes it):
 *
 *   rank of a query = number of candidates scoring strictly higher than the true one
 *   R@K = fraction of queries with rank < K
 *
 * text→image: each caption is a query; its one true image is `textToImage[t]`.
 * image→text: each image is a query with several true captions; the best-ranked one counts,
 * i.e. rank = number of captions scoring strictly higher than the image's best true caption.
 * (Other true captions can never score above the best one, so they never count against it.)
 *
 * `ties: 'pessimistic'` instead counts every *false* candidate scoring ≥ the true one, so
 * constant scores give chance-level recall, not a perfect one (see TieRule).
 */
import { readScores, type FlatScores, type ScoreMatrix, type TieRule } from './scores.js';

/** Options of `retrievalMetrics`: the K of R@K and the tie rule. */
export interface RetrievalOptions {
  /** The K of R@K (default 1, 5, 10). */
  ks?: readonly number[];
  ties?: TieRule;
}

/** One direction's results. */
export interface RecallResult {
  /** recall[K] = fraction of queries whose true item ranks < K. */
  readonly recall: Readonly<Record<number, number>>;
  /** Each query's rank, 0-based (0 = the true item is on top). */
  readonly ranks: Int32Array;
  /** Mean and median of the 1-based ranks (rank + 1), as papers report MeanR / MedR. */
  readonly meanRank: number;
  readonly medianRank: number;
}

/** Recall in both directions and their mean. */
export interface RetrievalMetrics {
  /** Queries = images, candidates = captions. */
  readonly imageToText: RecallResult;
  /** Queries = captions, candidates = images. */
  readonly textToImage: RecallResult;
  /** Mean of every R@K of both directions (BLIP's `r_mean`). */
  readonly meanRecall: number;
}

function checkKs(op: string, ks: readonly number[]): void {
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`${op}: ks must be positive integers, got [${ks.join(', ')}]`);
}

/** recall@K, mean and median rank from 0-based ranks. */
export function summarizeRanks(ranks: Int32Array, ks: readonly number[]): RecallResult {
  const n = ranks.length;
  const recall: Record<number, number> = {};
  for (const k of ks) {
    let hits = 0;
    for (let i = 0; i < n; i++) if (ranks[i]! < k) hits++;
    recall[k] = n === 0 ? NaN : hits / n;
  }
  const sorted = Int32Array.from(ranks).sort();
  const mid = n >> 1;
  const medianRank = n === 0 ? NaN : n % 2 === 1 ? sorted[mid]! + 1 : (sorted[mid - 1]! + sorted[mid]!) / 2 + 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ranks[i]!;
  return { recall, ranks, meanRank: n === 0 ? NaN : sum / n + 1, medianRank };
}

/**
 * Retrieval metrics of `scores` [images, texts] (e.g. image embeddings · text embeddingsᵀ)
 * where caption t belongs to image `textToImage[t]`. Every image needs at least one caption.
 */
export function retrievalMetrics(scores: ScoreMatrix, textToImage: readonly number[], opts: RetrievalOptions = {}): RetrievalMetrics {
  const op = 'retrievalMetrics';
  const ks = opts.ks ?? [1, 5, 10];
  const ties = opts.ties ?? 'optimistic';
  checkKs(op, ks);
  if (ties !== 'optimistic' && ties !== 'pessimistic') throw new Error(`${op}: ties must be 'optimistic' or 'pessimistic', got ${JSON.stringify(ties)}`);
  const s: FlatScores = readScores(op, 'scores', scores);
  const { rows: nImages, cols: nTexts, data } = s;
  if (textToImage.length !== nTexts) throw new Error(`${op}: scores have ${nTexts} text columns but textToImage has ${textToImage.length} entries`);
  const captionsOf: number[][] = Array.from({ length: nImages }, () => []);
  textToImage.forEach((img, t) => {
    if (!Number.isInteger(img) || img < 0 || img >= nImages) throw new Error(`${op}: textToImage[${t}] = ${img} is not an image index in [0, ${nImages})`);
    captionsOf[img]!.push(t);
  });
  const bare = captionsOf.findIndex((c) => c.length === 0);
  if (bare >= 0) throw new Error(`${op}: image ${bare} has no caption in textToImage; every image needs at least one`);

  const above = (v: number, truth: number) => (ties === 'optimistic' ? v > truth : v >= truth);

  // image → text: row i, best true caption.
  const i2t = new Int32Array(nImages);
  const isTrue = new Uint8Array(nTexts);
  for (let i = 0; i < nImages; i++) {
    const row = i * nTexts;
    let best = -Infinity;
    for (const t of captionsOf[i]!) {
      best = Math.max(best, data[row + t]!);
      isTrue[t] = 1;
    }
    let rank = 0;
    for (let t = 0; t < nTexts; t++) if (!isTrue[t] && above(data[row + t]!, best)) rank++;
    for (const t of captionsOf[i]!) isTrue[t] = 0;
    i2t[i] = rank;
  }

  // text → image: column t, its one image.
  const t2i = new Int32Array(nTexts);
  for (let t = 0; t < nTexts; t++) {
    const truthImage = textToImage[t]!;
    const truth = data[truthImage * nTexts + t]!;
    let rank = 0;
    for (let i = 0; i < nImages; i++) if (i !== truthImage && above(data[i * nTexts + t]!, truth)) rank++;
    t2i[t] = rank;
  }

  const imageToText = summarizeRanks(i2t, ks);
  const textToImageResult = summarizeRanks(t2i, ks);
  const all = ks.flatMap((k) => [imageToText.recall[k]!, textToImageResult.recall[k]!]);
  return { imageToText, textToImage: textToImageResult, meanRecall: all.reduce((a, b) => a + b, 0) / all.length };
}

/** Expected R@K of random scores: K / candidates for t→i; for i→t with c true captions of n,
 * 1 − C(n−c, K)/C(n, K) (at least one true caption among K drawn). For reporting "chance". */
export function chanceRecall(nImages: number, captionsPerImage: number, k: number): { imageToText: number; textToImage: number } {
  const n = nImages * captionsPerImage;
  let missAll = 1;
  for (let j = 0; j < Math.min(k, n); j++) missAll *= Math.max(0, n - captionsPerImage - j) / (n - j);
  return { imageToText: 1 - missAll, textToImage: Math.min(1, k / nImages) };
}
