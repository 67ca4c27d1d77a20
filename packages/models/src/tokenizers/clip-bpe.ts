/**
 * CLIPTokenizer: the byte-level BPE of OpenAI's CLIP (`simple_tokenizer.py`), reading and
 * writing Hugging Face's `vocab.json` + `merges.txt`.
 *
 * encode(text):
 *   1. clean and split into words (clip-text.ts);
 *   2. write each word's UTF-8 bytes as byte symbols (byte-unicode.ts) and mark the last one
 *      with `</w>`, so "cat" and the "cat" inside "catalog" are different tokens;
 *   3. repeatedly merge the adjacent pair with the lowest rank (earliest line in merges.txt),
 *      every occurrence of it at once, until no adjacent pair has a rank;
 *   4. look the pieces up in the vocabulary and wrap them in <|startoftext|> … <|endoftext|>.
 * The special tokens typed in the text itself are matched by the word pattern and map to
 * their ids (as upstream does).
 *
 * Files are read through io/files.ts (a URL anywhere, a local path in Node), so this bundles
 * for the browser without fs.
 */
import { joinLocation, writeText } from '../io/files.js';
import { padBatch, type BatchEncoding, type Padding } from './batch.js';
import { BYTE_SYMBOLS_IN_VOCAB_ORDER, fromByteSymbols, toByteSymbols } from './byte-unicode.js';
import { OPENAI_CLIP_MERGES, parseMerges, parseOpenAIMerges, readUtf8 } from './clip-files.js';
import { cleanClipText, splitClipWords } from './clip-text.js';

/** Opens every sequence (id 49406 in CLIP's vocabulary). */
export const START_OF_TEXT = '<|startoftext|>';
/** Closes every sequence (id 49407); CLIP's text model pools the features at this position. */
export const END_OF_TEXT = '<|endoftext|>';
/** Marks the last symbol of a word: the one piece of layout BPE keeps. */
export const END_OF_WORD = '</w>';

/** One merge rule: two adjacent tokens that BPE joins into one (a line `left right` of merges.txt). */
export type BpeMerge = readonly [left: string, right: string];

/** Options of CLIPTokenizer.call (batch tokenization). */
export interface CLIPTokenizerCallOptions {
  /**
   * 'max_length' (default): every row is `maxLength` long, as `clip.tokenize` returns;
   * 'longest': rows as long as the longest in the batch; false: no padding, so every text
   * must give the same length.
   */
  padding?: Padding;
  /**
   * true (default): a longer sequence is cut to `maxLength` and its last id set to
   * <|endoftext|>, so the text model still finds an end token to pool at (clip.tokenize with
   * truncate=True). false: a longer sequence is an error naming the text.
   */
  truncation?: boolean;
  /** The context length; CLIP's is 77 (default). */
  maxLength?: number;
  /**
   * The id written into padding positions. Default 0, as OpenAI's `clip.tokenize` pads (0 is
   * the token '!', which the attention mask and the EOT pooling make harmless); Hugging Face's
   * CLIPTokenizer pads with <|endoftext|> (49407). The mask says which positions are real.
   */
  padId?: number;
}

/** `{ inputIds, attentionMask }`, both int32 [B, T]; the mask is 1 on real tokens, 0 on padding. */
export type CLIPBatch = BatchEncoding;

/** The two files of a Hugging Face CLIP tokenizer, as text. */
export interface CLIPTokenizerFiles {
  /** vocab.json: one JSON object, token → id. */
  vocab: string;
  /** merges.txt: `#version: 0.2`, then one `left right` pair per line, best first. */
  merges: string;
}

// ignoreBOM: a U+FEFF that starts a word is text to give back, not a byte-order mark to drop.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Words already turned into ids. Cleared when full, so a stream of novel text cannot grow it without bound. */
const CACHE_LIMIT = 200_000;

/**
 * CLIP's byte-level BPE tokenizer: `encode`/`decode` for one text, `call` for a padded batch
 * of tensors; load with `fromPretrained` (Hugging Face files) or `fromOpenAIMerges`, or learn
 * one with `trainBpe`.
 */
export class CLIPTokenizer {
  /** token → id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** The merges in rank order (index = rank). */
  readonly merges: readonly BpeMerge[];
  readonly startOfTextId: number;
  readonly endOfTextId: number;

  private readonly ranks = new Map<string, number>(); // 'left right' → rank
  private readonly tokens: string[] = []; // id → token
  private readonly cache = new Map<string, readonly number[]>();

  /**
   * From a vocabulary and its merges. Checks that they belong together: every id distinct and
   * a non-negative integer, both special tokens present, every merge's parts and result in the
   * vocabulary. `source` names where they came from in the errors (e.g. the file paths, and
   * `mergeLine(i)` the line of merge i).
   */
  constructor(vocab: ReadonlyMap<string, number> | Readonly<Record<string, number>>, merges: readonly BpeMerge[], source: { vocab?: string; mergeLine?: (i: number) => string } = {}) {
    const vocabName = source.vocab ?? 'vocab';
    const mergeAt = source.mergeLine ?? ((i: number) => `merge ${i}`);
    const entries = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
    for (const [token, id] of entries) {
      if (!Number.isInteger(id) || id < 0) throw new Error(`CLIPTokenizer: ${vocabName}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not a non-negative integer`);
      const other = this.tokens[id];
      if (other !== undefined) throw new Error(`CLIPTokenizer: ${vocabName}: id ${id} is given to both ${JSON.stringify(other)} and ${JSON.stringify(token)}`);
      this.tokens[id] = token;
    }
    this.vocab = new Map(entries);
    const special = (token: string) => {
      const id = this.vocab.get(token);
      if (id === undefined) throw new Error(`CLIPTokenizer: ${vocabName} has no ${token} token`);
      return id;
    };
    this.startOfTextId = special(START_OF_TEXT);
    this.endOfTextId = special(END_OF_TEXT);
    merges.forEach(([left, right], rank) => {
      for (const part of [left, right, left + right]) {
        if (!this.vocab.has(part)) throw new Error(`CLIPTokenizer: ${mergeAt(rank)}: ${JSON.stringify(part)} (from the merge "${left} ${right}") is not in ${vocabName}`);
      }
      // A pair listed twice ends with its later rank, as upstream's dict(zip(merges, ranks)) does.
      this.ranks.set(`${left} ${right}`, rank);
    });
    this.merges = merges.map(([l, r]) => [l, r] as const);
    // Special tokens map to themselves: typed into a caption they become their ids, not BPE.
    this.cache.set(START_OF_TEXT, [this.startOfTextId]);
    this.cache.set(END_OF_TEXT, [this.endOfTextId]);
  }

  /**
   * From merges alone, building the vocabulary the way CLIP does: the 256 byte symbols, the
   * same with `</w>`, one token per merge (its two parts joined; a result already present
   * keeps its id), then <|startoftext|> and <|endoftext|>. This is how OpenAI's
   * `bpe_simple_vocab_16e6.txt.gz` (merges only) becomes the 49,408-token vocabulary.
   */
  static fromMerges(merges: readonly BpeMerge[], source: { mergeLine?: (i: number) => string } = {}): CLIPTokenizer {
    const vocab = new Map<string, number>();
    const add = (token: string) => {
      if (!vocab.has(token)) vocab.set(token, vocab.size);
    };
    for (const s of BYTE_SYMBOLS_IN_VOCAB_ORDER) add(s);
    for (const s of BYTE_SYMBOLS_IN_VOCAB_ORDER) add(s + END_OF_WORD);
    for (const [left, right] of merges) add(left + right);
    add(START_OF_TEXT);
    add(END_OF_TEXT);
    return new CLIPTokenizer(vocab, merges, { vocab: 'the vocabulary built from the merges', ...source });
  }

  /**
   * From a Hugging Face checkpoint folder (or URL) holding `vocab.json` and `merges.txt`,
   * e.g. openai/clip-vit-base-patch32. Errors name the file, and the line of a bad merge.
   */
  static async fromPretrained(location: string): Promise<CLIPTokenizer> {
    const vocab = joinLocation(location, 'vocab.json');
    const merges = joinLocation(location, 'merges.txt');
    const [vocabText, mergesText] = await Promise.all([readUtf8(vocab, 'CLIPTokenizer.fromPretrained'), readUtf8(merges, 'CLIPTokenizer.fromPretrained')]);
    return CLIPTokenizer.fromFiles({ vocab: vocabText, merges: mergesText }, { vocab, merges });
  }

  /** From OpenAI's `bpe_simple_vocab_16e6.txt.gz` (a path or URL): its first `mergeCount` merges, vocabulary built as CLIP builds it. */
  static async fromOpenAIMerges(location: string, mergeCount = OPENAI_CLIP_MERGES): Promise<CLIPTokenizer> {
    const text = await readUtf8(location, 'CLIPTokenizer.fromOpenAIMerges', location.endsWith('.gz'));
    return CLIPTokenizer.fromMerges(parseOpenAIMerges(text, location, mergeCount), { mergeLine: (i) => `${location} line ${i + 2}` });
  }

  /** From the text of Hugging Face's vocab.json and merges.txt; `names` (e.g. paths) label errors. */
  static fromFiles(files: CLIPTokenizerFiles, names: { vocab?: string; merges?: string } = {}): CLIPTokenizer {
    const vocabName = names.vocab ?? 'vocab.json';
    const mergesName = names.merges ?? 'merges.txt';
    let parsed: unknown;
    try {
      parsed = JSON.parse(files.vocab);
    } catch (e) {
      throw new Error(`CLIPTokenizer: ${vocabName} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`CLIPTokenizer: ${vocabName} must be one JSON object mapping token → id`);
    const { merges, lines } = parseMerges(files.merges, mergesName);
    return new CLIPTokenizer(parsed as Record<string, number>, merges, { vocab: vocabName, mergeLine: (i) => `${mergesName} line ${lines[i]}` });
  }

  /** Writes `dir/vocab.json` and `dir/merges.txt` in Hugging Face's format (a local directory, created if missing; Node only), each atomically. */
  async savePretrained(dir: string): Promise<void> {
    const files = this.toFiles();
    await writeText(joinLocation(dir, 'vocab.json'), files.vocab);
    await writeText(joinLocation(dir, 'merges.txt'), files.merges);
  }

  /** The vocabulary size (the text model's embedding rows): one more than the largest id. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /** The token of an id (undefined if none). */
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /** The BPE pieces of a text, without the special start/end tokens (`a photo` → ['a</w>', 'photo</w>']). */
  tokenize(text: string): string[] {
    return this.encode(text, { addSpecialTokens: false }).map((id) => this.tokens[id]!);
  }

  /** Token ids of a text: [<|startoftext|>, …, <|endoftext|>] unless addSpecialTokens is false. No truncation. */
  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    const ids: number[] = [];
    if (opts.addSpecialTokens !== false) ids.push(this.startOfTextId);
    for (const word of splitClipWords(cleanClipText(text))) {
      let wordIds = this.cache.get(word);
      if (wordIds === undefined) {
        wordIds = this.encodeWord(word);
        if (this.cache.size >= CACHE_LIMIT) this.clearCache();
        this.cache.set(word, wordIds);
      }
      for (const id of wordIds) ids.push(id);
    }
    if (opts.addSpecialTokens !== false) ids.push(this.endOfTextId);
    return ids;
  }

  /**
   * Text from ids: the pieces' bytes as UTF-8 (a sequence cut inside a character decodes to
   * U+FFFD), each `</w>` as a space, special tokens dropped unless `skipSpecialTokens` is
   * false. The spaces between words come back but not their absence: "a dog." decodes as
   * "a dog ." because "." is a word of its own — decode(encode(x)) is the cleaned text's words
   * joined by single spaces. The trailing space is dropped.
   */
  decode(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    const skip = opts.skipSpecialTokens !== false;
    let text = '';
    let symbols = '';
    const flush = () => {
      if (symbols) text += utf8.decode(fromByteSymbols(symbols, 'CLIPTokenizer.decode'));
      symbols = '';
    };
    for (const id of ids) {
      const token = this.tokens[id];
      if (token === undefined) throw new Error(`CLIPTokenizer.decode: id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      if (id === this.startOfTextId || id === this.endOfTextId) {
        flush();
        if (!skip) text += token;
        continue;
      }
      if (token.endsWith(END_OF_WORD)) {
        symbols += token.slice(0, -END_OF_WORD.length);
        flush();
        text += ' ';
      } else symbols += token;
    }
    flush();
    return text.endsWith(' ') ? text.slice(0, -1) : text;
  }

  /**
   * A batch as tensors, ready for the text model: `{ inputIds, attentionMask }`, both int32
   * [B, T]. Defaults give `clip.tokenize(texts)`: T = 77, truncated with <|endoftext|> kept
   * last, padded with 0.
   */
  call(texts: string | readonly string[], opts: CLIPTokenizerCallOptions = {}): CLIPBatch {
    const list = typeof texts === 'string' ? [texts] : texts;
    const padding = opts.padding ?? 'max_length';
    const truncation = opts.truncation ?? true;
    const maxLength = opts.maxLength ?? 77;
    const padId = opts.padId ?? 0;
    if (!Number.isInteger(maxLength) || maxLength < 2) throw new Error(`CLIPTokenizer.call: maxLength must be an integer ≥ 2 (room for the start and end tokens), got ${maxLength}`);
    if (!Number.isInteger(padId) || padId < 0) throw new Error(`CLIPTokenizer.call: padId must be a non-negative integer, got ${padId}`);
    const rows = list.map((text) => {
      const ids = this.encode(text);
      if (ids.length <= maxLength) return ids;
      if (!truncation) throw new Error(`CLIPTokenizer.call: ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} is ${ids.length} tokens, longer than maxLength ${maxLength} (pass truncation: true to cut it)`);
      const cut = ids.slice(0, maxLength);
      cut[maxLength - 1] = this.endOfTextId;
      return cut;
    });
    return padBatch(rows, { padding, padId, maxLength, caller: 'CLIPTokenizer.call' });
  }

  /** The contents of vocab.json and merges.txt (savePretrained writes them). */
  toFiles(): CLIPTokenizerFiles {
    // Written by hand rather than via an object, so a token such as "__proto__" stays a key.
    const lines: string[] = [];
    this.tokens.forEach((token, id) => {
      if (token !== undefined) lines.push(`  ${JSON.stringify(token)}: ${id}`);
    });
    const merges = ['#version: 0.2', ...this.merges.map(([l, r]) => `${l} ${r}`)].join('\n') + '\n';
    return { vocab: `{\n${lines.join(',\n')}\n}\n`, merges };
  }

  /** Forgets the per-word cache (the special tokens stay). */
  clearCache(): void {
    this.cache.clear();
    this.cache.set(START_OF_TEXT, [this.startOfTextId]);
    this.cache.set(END_OF_TEXT, [this.endOfTextId]);
  }

  /** BPE of one word (step 2–4 above). */
  private encodeWord(word: string): number[] {
    let symbols = [...toByteSymbols(word)];
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      let best = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(`${symbols[i]!} ${symbols[i + 1]!}`);
        if (rank !== undefined && rank < best) best = rank;
      }
      if (best === Infinity) break;
      const [left, right] = this.merges[best]!;
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    return symbols.map((s) => {
      const id = this.vocab.get(s);
      if (id === undefined) throw new Error(`CLIPTokenizer: the piece ${JSON.stringify(s)} of ${JSON.stringify(word)} is not in the vocabulary`);
      return id;
    });
  }
}
