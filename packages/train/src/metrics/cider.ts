/**
 * CIDEr-D (Vedantam et al. 2015), defined as pycocoevalcap's `Cider` computes it (its
 * cider_scorer.py, which is the "-D" variant: clipping and a length penalty), so numbers compare
 * with published captioning results (BLIP's COCO CIDEr 129.7 is 100 × this metric):
 *
 *   for each order n = 1..4, an n-gram g of a caption gets weight
 *     tf(g) · (log N − log max(1, df(g)))
 *   where N = number of images and df(g) = number of images whose references contain g
 *   ("document frequency", see below);
 *   sim_n(c, s) = Σ_g min(v_c(g), v_s(g)) · v_s(g) / (‖v_c‖ ‖v_s‖)      (clipped cosine;
 *                 0 when either norm is 0)
 *               · exp(−δ² / (2σ²)), σ = 6, δ = len(c) − len(s)
 *   CIDEr-D(c, refs) = 10 · mean_n ( Σ_{s ∈ refs} sim_n(c, s) ) / |refs|
 *   corpus CIDEr-D = mean over images.
 * A reproduced quirk: the "length" in δ is counted in cider_scorer.py as the number of
 * *bigrams* (its `if n == 1` tests the 0-based order), i.e. max(0, words − 1); δ is the same as
 * the word-length difference unless a caption has 0 or 1 words.
 *
 * Document frequency: by default from the references of the images being scored (what
 * pycocoevalcap does, so the score of one image depends on the rest of the evaluation set);
 * `documentFrequency` takes another source, e.g. `ciderDocumentFrequency(trainingReferences)`
 * (as the original coco-caption server's precomputed "coco-val-df", or self-critical training's
 * "coco-train" idf), with N = that corpus's image count.
 * Tokenisation: see `ptbTokenize` (tokenize: 'whitespace' for pre-tokenised captions).
 */
import { checkCaptionInputs, countNgrams, ngramOrder, tokenizerOf, type CaptionTokenizer } from './ngrams.js';

/** n-gram document frequencies over a reference corpus, and its number of images. */
export interface DocumentFrequency {
  readonly df: ReadonlyMap<string, number>;
  readonly images: number;
}

/** Options of `ciderD`. */
export interface CiderOptions {
  /** Highest n-gram order (default 4). */
  n?: number;
  /** Width of the Gaussian length penalty (default 6). */
  sigma?: number;
  tokenize?: CaptionTokenizer;
  /** Default: computed from `references` themselves (pycocoevalcap). */
  documentFrequency?: DocumentFrequency;
}

/** Corpus CIDEr-D and each image's score (both on the 0–10 scale; papers print ×100). */
export interface CiderResult {
  /** Corpus CIDEr-D (mean of perImage); ×100 is the number papers print. */
  readonly cider: number;
  readonly perImage: readonly number[];
}

/** Document frequencies of every n-gram (n ≤ maxN) over per-image reference lists. */
export function ciderDocumentFrequency(references: readonly (readonly string[])[], opts: { n?: number; tokenize?: CaptionTokenizer } = {}): DocumentFrequency {
  const tokenize = tokenizerOf('ciderDocumentFrequency', opts.tokenize);
  return documentFrequencyOf(references.map((refs) => refs.map((r) => countNgrams(tokenize(r), opts.n ?? 4))));
}

function documentFrequencyOf(refCounts: readonly (readonly Map<string, number>[])[]): DocumentFrequency {
  const df = new Map<string, number>();
  for (const refs of refCounts) {
    const seen = new Set<string>();
    for (const counts of refs) for (const g of counts.keys()) seen.add(g);
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  return { df, images: refCounts.length };
}

interface Vec {
  /** Per order: n-gram → weight. */
  readonly weights: Map<string, number>[];
  readonly norms: number[];
  /** Bigram count (see the file comment). */
  readonly length: number;
}

/** CIDEr-D of `candidates[i]` against `references[i]` (see the file comment for the definition). */
export function ciderD(references: readonly (readonly string[])[], candidates: readonly string[], opts: CiderOptions = {}): CiderResult {
  const op = 'ciderD';
  const n = opts.n ?? 4;
  const sigma = opts.sigma ?? 6;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: n must be a positive integer, got ${n}`);
  if (!(sigma > 0)) throw new Error(`${op}: sigma must be positive, got ${sigma}`);
  checkCaptionInputs(op, references, candidates);
  const tokenize = tokenizerOf(op, opts.tokenize);
  const refCounts = references.map((refs) => refs.map((r) => countNgrams(tokenize(r), n)));
  const { df, images } = opts.documentFrequency ?? documentFrequencyOf(refCounts);
  if (!(images >= 1)) throw new Error(`${op}: documentFrequency.images must be ≥ 1, got ${images}`);
  const logN = Math.log(images);

  const toVec = (counts: Map<string, number>): Vec => {
    const weights = Array.from({ length: n }, () => new Map<string, number>());
    const sq = new Array<number>(n).fill(0);
    let length = 0;
    for (const [g, tf] of counts) {
      const order = ngramOrder(g) - 1;
      const w = tf * (logN - Math.log(Math.max(1, df.get(g) ?? 0)));
      weights[order]!.set(g, w);
      sq[order]! += w ** 2;
      if (order === 1) length += tf;
    }
    return { weights, norms: sq.map(Math.sqrt), length };
  };

  const sim = (c: Vec, s: Vec): number[] => {
    const delta = c.length - s.length;
    const penalty = Math.E ** (-(delta ** 2) / (2 * sigma ** 2));
    const val = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      for (const [g, wc] of c.weights[k]!) {
        const ws = s.weights[k]!.get(g) ?? 0;
        val[k]! += Math.min(wc, ws) * ws;
      }
      if (c.norms[k] !== 0 && s.norms[k] !== 0) val[k]! /= c.norms[k]! * s.norms[k]!;
      val[k]! *= penalty;
    }
    return val;
  };

  const perImage = candidates.map((candidate, i) => {
    const c = toVec(countNgrams(tokenize(candidate), n));
    const total = new Array<number>(n).fill(0);
    for (const counts of refCounts[i]!) {
      const v = sim(c, toVec(counts));
      for (let k = 0; k < n; k++) total[k]! += v[k]!;
    }
    return ((total.reduce((a, b) => a + b, 0) / n) / refCounts[i]!.length) * 10;
  });
  return { cider: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
}
