/**
 * What CapFilt is measured by, beside the downstream metrics:
 *  - the filter as a detector of the injected noise: a web caption it removes is a "positive";
 *    precision = removed captions that were corrupted / removed, recall = corrupted captions it
 *    removed / corrupted (and the recall per kind of corruption). Removing at random gives a
 *    precision equal to the noise rate, which is what precision must beat;
 *  - synthetic captions: their noise ratio as BLIP defines it (the share the filter removes),
 *    their true noise ratio here (the share that is false of the scene, which only a dataset
 *    with known scenes can tell), and their diversity: distinct n-grams / all n-grams over the
 *    whole set (distinct-n), and distinct captions / captions.
 */
import type { CorruptionKind } from '../data/shapes.js';

/** The filter scored against the recorded corruptions. */
export interface FilterScore {
  /** Captions scored, corrupted among them, removed by the filter. */
  total: number;
  noisy: number;
  removed: number;
  /** noisy / total: the precision of removing at random. */
  noiseRate: number;
  precision: number;
  recall: number;
  /** Share of the clean captions kept. */
  cleanKept: number;
  /** Recall per corruption kind: removed / count. */
  byKind: Partial<Record<CorruptionKind, { count: number; removed: number; recall: number }>>;
}

/** Scores a filter's verdicts (`kept[i]`) against what was done to each caption (`noise[i]`, null when clean). */
export function filterScore(noise: readonly (CorruptionKind | null | undefined)[], kept: readonly boolean[]): FilterScore {
  if (noise.length !== kept.length) throw new Error(`filterScore: ${noise.length} noise labels but ${kept.length} verdicts`);
  let noisy = 0;
  let removed = 0;
  let caught = 0;
  let clean = 0;
  let cleanKept = 0;
  const byKind: FilterScore['byKind'] = {};
  noise.forEach((kind, i) => {
    const isNoisy = kind !== null && kind !== undefined;
    const out = !kept[i];
    if (out) removed++;
    if (isNoisy) {
      noisy++;
      if (out) caught++;
      const k = (byKind[kind] ??= { count: 0, removed: 0, recall: 0 });
      k.count++;
      if (out) k.removed++;
    } else {
      clean++;
      if (!out) cleanKept++;
    }
  });
  for (const k of Object.values(byKind)) k.recall = k.removed / k.count;
  const total = noise.length;
  return { total, noisy, removed, noiseRate: noisy / total, precision: removed ? caught / removed : NaN, recall: noisy ? caught / noisy : NaN, cleanKept: clean ? cleanKept / clean : NaN, byKind };
}

/** distinct-n: distinct n-grams / all n-grams over every caption (words split on whitespace, lower-cased). */
export function distinctNgrams(captions: readonly string[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const c of captions) {
    const w = c.toLowerCase().split(/\s+/).filter((x) => x !== '');
    for (let i = 0; i + n <= w.length; i++) {
      seen.add(w.slice(i, i + n).join(' '));
      total++;
    }
  }
  return total ? seen.size / total : 0;
}

/** Diversity of a set of captions: distinct-1..3 and the share of distinct captions. */
export function captionDiversity(captions: readonly string[]): { distinct1: number; distinct2: number; distinct3: number; uniqueCaptions: number } {
  return {
    distinct1: distinctNgrams(captions, 1),
    distinct2: distinctNgrams(captions, 2),
    distinct3: distinctNgrams(captions, 3),
    uniqueCaptions: captions.length ? new Set(captions).size / captions.length : 0,
  };
}
