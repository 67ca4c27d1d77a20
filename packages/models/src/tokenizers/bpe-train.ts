/**
 * trainBpe: learn CLIP-style byte-level BPE merges from captions, so a text model can be
 * trained from scratch on new data with a vocabulary that fits it.
 *
 * The words are made exactly as CLIPTokenizer makes them (same cleaning, same word pattern,
 * UTF-8 bytes as byte symbols, `</w>` on the last one), and counted: training works on the
 * distinct words and their frequencies, not on the running text. Then, until the vocabulary
 * is full: find the adjacent pair that occurs most often (each word's pairs counted
 * `frequency` times), record it as the next merge, and merge it everywhere.
 *
 * Ties go to the pair whose left token, then right token, comes first in UTF-16 code-unit
 * order. Every choice depends only on the multiset of words, so the result is the same for
 * the same captions in any order, on any machine.
 *
 * Bookkeeping, so each merge costs time in proportion to the words it touches rather than to
 * the whole corpus: a count per pair, the list of words each pair occurs in, and a max-heap of
 * (count, pair) entries; when a count changes a new entry is pushed, and entries whose count
 * is out of date are skipped when they reach the top.
 */
import { BYTE_SYMBOLS_IN_VOCAB_ORDER, toByteSymbols } from './byte-unicode.js';
import { CLIPTokenizer, END_OF_TEXT, END_OF_WORD, START_OF_TEXT, type BpeMerge } from './clip-bpe.js';
import { cleanClipText, splitClipWords } from './clip-text.js';

/** Options of trainBpe. */
export interface TrainBpeOptions {
  /** A pair seen fewer times than this is never merged (default 2: a merge seen once only memorises). */
  minFrequency?: number;
}

/** The smallest vocabulary: 256 byte symbols, the same with `</w>`, and the two special tokens. */
export const BPE_BASE_VOCAB_SIZE = 2 * 256 + 2;

// A pair of token ids as one number (ids stay below 2^21, far above any useful vocabulary).
const ID_LIMIT = 1 << 21;
const pairKey = (left: number, right: number) => left * ID_LIMIT + right;

/**
 * A CLIPTokenizer whose merges are learnt from `corpus`, with at most `vocabSize` tokens
 * (fewer when no pair is left that occurs `minFrequency` times). Its vocabulary is laid out as
 * CLIP's: byte symbols, byte symbols with `</w>`, merges, <|startoftext|>, <|endoftext|>.
 */
export function trainBpe(corpus: Iterable<string>, vocabSize: number, opts: TrainBpeOptions = {}): CLIPTokenizer {
  const minFrequency = opts.minFrequency ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize < BPE_BASE_VOCAB_SIZE) throw new Error(`trainBpe: vocabSize must be an integer ≥ ${BPE_BASE_VOCAB_SIZE} (256 bytes, 256 word-final bytes, 2 special tokens), got ${vocabSize}`);
  if (vocabSize > ID_LIMIT) throw new Error(`trainBpe: vocabSize ${vocabSize} is above the supported ${ID_LIMIT}`);
  if (!(minFrequency >= 1)) throw new Error(`trainBpe: minFrequency must be ≥ 1, got ${minFrequency}`);

  // Token strings by id, laid out as fromMerges will lay them out (so ids agree).
  const tokens = [...BYTE_SYMBOLS_IN_VOCAB_ORDER, ...BYTE_SYMBOLS_IN_VOCAB_ORDER.map((s) => s + END_OF_WORD)];
  const idOf = new Map(tokens.map((t, id) => [t, id]));

  // Distinct words → symbol ids, with their frequencies.
  const frequency = new Map<string, number>();
  for (const caption of corpus) {
    for (const word of splitClipWords(cleanClipText(caption))) {
      if (word === START_OF_TEXT || word === END_OF_TEXT) continue;
      frequency.set(word, (frequency.get(word) ?? 0) + 1);
    }
  }
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, n] of frequency) {
    const symbols = [...toByteSymbols(word)];
    symbols[symbols.length - 1] += END_OF_WORD;
    words.push(symbols.map((s) => idOf.get(s)!));
    counts.push(n);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  words.forEach((w, index) => {
    for (let i = 0; i + 1 < w.length; i++) {
      const key = pairKey(w[i]!, w[i + 1]!);
      pairCount.set(key, (pairCount.get(key) ?? 0) + counts[index]!);
      const list = pairWords.get(key);
      if (list === undefined) pairWords.set(key, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
    }
  });

  const heap = new PairHeap(tokens);
  for (const [key, count] of pairCount) heap.push(count, key);

  const merges: BpeMerge[] = [];
  const seenAt = new Int32Array(words.length).fill(-1); // the merge step that last visited a word
  while (idOf.size + 2 < vocabSize) {
    const best = heap.popValid(pairCount);
    if (best === undefined || best.count < minFrequency) break;
    const left = Math.floor(best.key / ID_LIMIT);
    const right = best.key % ID_LIMIT;
    const merged = tokens[left]! + tokens[right]!;
    merges.push([tokens[left]!, tokens[right]!]);
    // Two different merges can spell the same token ('ab'+'c', 'a'+'bc'): it keeps one id.
    let id = idOf.get(merged);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(merged);
      idOf.set(merged, id);
    }

    const touched = new Set<number>();
    for (const index of pairWords.get(best.key) ?? []) {
      if (seenAt[index] === merges.length) continue;
      seenAt[index] = merges.length;
      const w = words[index]!;
      const n = counts[index]!;
      const next: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (w[i] === left && w[i + 1] === right) {
          next.push(id);
          i++;
        } else next.push(w[i]!);
      }
      if (next.length === w.length) continue; // the list is allowed to be stale
      for (let i = 0; i + 1 < w.length; i++) {
        const key = pairKey(w[i]!, w[i + 1]!);
        pairCount.set(key, pairCount.get(key)! - n);
        touched.add(key);
      }
      for (let i = 0; i + 1 < next.length; i++) {
        const key = pairKey(next[i]!, next[i + 1]!);
        pairCount.set(key, (pairCount.get(key) ?? 0) + n);
        touched.add(key);
        // Pairs without the new token were already in this word, so already list it.
        if (next[i] === id || next[i + 1] === id) {
          const list = pairWords.get(key);
          if (list === undefined) pairWords.set(key, [index]);
          else if (list[list.length - 1] !== index) list.push(index);
        }
      }
      words[index] = next;
    }
    pairWords.delete(best.key);
    for (const key of touched) {
      const count = pairCount.get(key)!;
      if (count > 0) heap.push(count, key);
      else {
        pairCount.delete(key);
        pairWords.delete(key);
      }
    }
  }
  return CLIPTokenizer.fromMerges(merges);
}

/** A binary max-heap of (count, pair) by count, then by the pair's token strings ascending. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];
  constructor(private readonly tokens: readonly string[]) {}

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The best entry whose count is still current (stale ones are dropped on the way). */
  popValid(current: ReadonlyMap<number, number>): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0]!;
      const key = this.keys[0]!;
      this.removeTop();
      if (current.get(key) === count) return { count, key };
    }
    return undefined;
  }

  private removeTop(): void {
    const lastCount = this.counts.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.counts.length === 0) return;
    this.counts[0] = lastCount;
    this.keys[0] = lastKey;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < this.counts.length && this.before(l, top)) top = l;
      if (r < this.counts.length && this.before(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }

  /** Does entry a come out before entry b? */
  private before(a: number, b: number): boolean {
    const ca = this.counts[a]!;
    const cb = this.counts[b]!;
    if (ca !== cb) return ca > cb;
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    if (ka === kb) return false;
    const la = this.tokens[Math.floor(ka / ID_LIMIT)]!;
    const lb = this.tokens[Math.floor(kb / ID_LIMIT)]!;
    if (la !== lb) return la < lb;
    return this.tokens[ka % ID_LIMIT]! < this.tokens[kb % ID_LIMIT]!;
  }

  private swap(a: number, b: number): void {
    [this.counts[a], this.counts[b]] = [this.counts[b]!, this.counts[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
  }
}
