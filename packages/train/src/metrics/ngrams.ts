/** n-gram counting shared by BLEU and CIDEr-D, and the tokenisation both apply first. */
import { ptbTokenize } from './ptb-tokenize.js';

/**
 * How captions become tokens: 'ptb' (default) = `ptbTokenize`, what pycocoevalcap applies before
 * scoring; 'whitespace' = already tokenised, split on whitespace (what its scorers do next);
 * or a function of your own.
 */
export type CaptionTokenizer = 'ptb' | 'whitespace' | ((caption: string) => string[]);

export function tokenizerOf(op: string, t: CaptionTokenizer | undefined): (caption: string) => string[] {
  if (t === undefined || t === 'ptb') return ptbTokenize;
  if (t === 'whitespace') return (c) => c.split(/\s+/).filter((w) => w !== '');
  if (typeof t === 'function') return t;
  throw new Error(`${op}: tokenize must be 'ptb', 'whitespace' or a function, got ${JSON.stringify(t)}`);
}

/** Counts of every n-gram with 1 ≤ n ≤ maxN, keyed by its words joined with a space. */
export function countNgrams(words: readonly string[], maxN: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const key = words.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The order of an n-gram key (number of words). */
export function ngramOrder(key: string): number {
  let n = 1;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 32) n++;
  return n;
}

/** Checks the (references, candidates) pair every caption metric takes. */
export function checkCaptionInputs(op: string, references: readonly (readonly string[])[], candidates: readonly string[]): void {
  if (!Array.isArray(references) || !Array.isArray(candidates)) throw new Error(`${op}: expected references (string[][]) and candidates (string[])`);
  if (references.length !== candidates.length) {
    throw new Error(`${op}: ${candidates.length} candidates but ${references.length} reference lists; give one candidate and its references per image`);
  }
  if (candidates.length === 0) throw new Error(`${op}: no captions to score`);
  references.forEach((refs, i) => {
    if (!Array.isArray(refs) || refs.length === 0) throw new Error(`${op}: image ${i} has no reference captions`);
    refs.forEach((r, j) => {
      if (typeof r !== 'string') throw new Error(`${op}: reference ${j} of image ${i} is not a string`);
    });
    if (typeof candidates[i] !== 'string') throw new Error(`${op}: candidate ${i} is not a string`);
  });
}
