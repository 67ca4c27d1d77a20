/**
 * BERT's WordPiece tokenizer, as BLIP uses it: bert-base-uncased's vocabulary plus two added
 * tokens, [DEC] (beginning of a decoded caption, BOS) and [ENC] (first token of the
 * image-grounded encoder), appended after the 30,522 vocabulary ids as BLIP's `init_tokenizer`
 * does, so they get ids 30522 and 30523.
 *
 * Words come from `basicTokenize` (Google's BasicTokenizer); each word is then cut greedily,
 * longest match first, into vocabulary pieces, pieces after the first spelled with a `##`
 * prefix ("unaffable" → una ##ffa ##ble). A word with a character no piece covers, or longer
 * than 100 characters, becomes a single [UNK], as in the reference.
 *
 * Special tokens typed into the text: the added tokens ([DEC], [ENC]) are matched exactly and
 * never split, as Hugging Face does for added tokens. "[CLS]", "[SEP]" etc. written in the text
 * are tokenized as ordinary text ("[", "cl", "##s", "]"), as Google's reference does; Hugging
 * Face would turn them into the special ids.
 */
import { joinLocation, readBytes, writeText } from '../io/files.js';
import { basicTokenize } from './basic-tokenizer.js';
import { padBatch, type BatchEncoding, type Padding } from './batch.js';
import { formatVocabText, parseVocabText } from './vocab-text.js';

/** Options of `BertTokenizer`: casing, the [UNK] word length, added tokens, the default max length and the vocabulary's name for errors. */
export interface BertTokenizerOptions {
  /** Lower-case and strip accents before WordPiece (bert-base-uncased: true). */
  lowerCase?: boolean;
  /** Longer words become [UNK] (100, Hugging Face's bert-base-uncased value; Google's default is 200). */
  maxInputCharsPerWord?: number;
  /** Tokens appended after the vocabulary unless it has them already (default BLIP's ['[DEC]', '[ENC]']). */
  addedTokens?: readonly string[];
  /** Default maxLength for truncation and 'max_length' padding (BERT's 512 positions). */
  modelMaxLength?: number;
  /** Names the vocabulary in error messages. */
  source?: string;
}

/** Options of `BertTokenizer.encode`. */
export interface BertEncodeOptions {
  /** Wrap in [CLS] … [SEP] (default true). */
  addSpecialTokens?: boolean;
}

/** Options of `BertTokenizer.decode`. */
export interface BertDecodeOptions {
  /** Leave out [PAD], [UNK], [CLS], [SEP], [MASK] and the added tokens (Hugging Face's set). */
  skipSpecialTokens?: boolean;
  /**
   * Hugging Face's `clean_up_tokenization_spaces`: " ." → ".", " 's" → "'s", " n't" → "n't"…
   * Off by default so that decoding gives back the words exactly as tokenized.
   */
  cleanUpTokenizationSpaces?: boolean;
}

/** Options of `BertTokenizer.call` (batch encoding to int32 [B, T] tensors): padding, truncation and max length. */
export interface BertCallOptions extends BertEncodeOptions {
  /** Default 'longest': the result is a [B, T] tensor, so ragged batches need some padding. */
  padding?: Padding;
  /** Cut sequences to maxLength; with special tokens, the final [SEP] is kept. */
  truncation?: boolean;
  /** For truncation and 'max_length' padding; default modelMaxLength. */
  maxLength?: number;
}

/** BLIP's two tokens added after bert-base-uncased's vocabulary: [DEC] (id 30522) and [ENC] (id 30523). */
export const BLIP_ADDED_TOKENS: readonly string[] = ['[DEC]', '[ENC]'];

const CLEANUPS: readonly [string, string][] = [
  [' .', '.'], [' ?', '?'], [' !', '!'], [' ,', ','], [" ' ", "'"],
  [" n't", "n't"], [" 'm", "'m"], [" 's", "'s"], [" 've", "'ve"], [" 're", "'re"],
];

/** Memoised words per tokenizer; cleared when full so memory stays bounded on endless streams. */
const WORD_CACHE_LIMIT = 100_000;

/** BERT's WordPiece tokenizer as BLIP uses it (see above): text → ids and back, and batches → int32 [B, T] ids + attention mask. */
export class BertTokenizer {
  /** id → token, the added tokens last. */
  readonly tokens: readonly string[];
  /** Number of tokens that came from the vocabulary (what `toVocabText` writes). */
  readonly vocabSize: number;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number | undefined;
  /** `[DEC]`: BLIP's decoder starts from it (BOS); undefined without the BLIP added tokens. */
  readonly decId: number | undefined;
  /** `[ENC]`: replaces [CLS] as first token of BLIP's image-grounded encoder. */
  readonly encId: number | undefined;
  readonly lowerCase: boolean;
  readonly maxInputCharsPerWord: number;
  readonly modelMaxLength: number;

  private readonly ids = new Map<string, number>();
  private readonly specialIds: ReadonlySet<number>;
  private readonly addedIds: ReadonlySet<number>;
  private readonly addedPattern: RegExp | undefined;
  /** Longest piece in UTF-16 units (without "##"): longer candidates cannot match, so are not tried. */
  private readonly longestPiece: number;
  private readonly wordCache = new Map<string, readonly number[]>();

  /**
   * Reads `vocab.txt` from a checkpoint folder (bert-base-uncased, a BLIP checkpoint) or the file
   * itself when `location` ends in .txt; a local path in Node, a URL anywhere. Errors name the
   * file and line of a malformed vocabulary.
   */
  static async fromPretrained(location: string, options: Omit<BertTokenizerOptions, 'source'> = {}): Promise<BertTokenizer> {
    const file = location.endsWith('.txt') ? location : joinLocation(location, 'vocab.txt');
    let text: string;
    try {
      // ignoreBOM keeps a byte-order mark in the text so the parser rejects it: Python readers would
      // see "\ufeff[PAD]" as token 0.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await readBytes(file));
    } catch (e) {
      throw new Error(`BertTokenizer.fromPretrained: cannot read ${file} as UTF-8 text: ${(e as Error).message}`);
    }
    return BertTokenizer.fromVocabText(text, { ...options, source: file });
  }

  /** A tokenizer from `vocab.txt` contents. */
  static fromVocabText(text: string, options: BertTokenizerOptions = {}): BertTokenizer {
    return new BertTokenizer(parseVocabText(text, options.source), options);
  }

  /** `vocab` lists the tokens in id order, as vocab.txt does. */
  constructor(vocab: readonly string[], options: BertTokenizerOptions = {}) {
    const source = options.source ?? 'vocabulary';
    this.lowerCase = options.lowerCase ?? true;
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.modelMaxLength = options.modelMaxLength ?? 512;
    vocab.forEach((t, i) => {
      if (this.ids.has(t)) throw new Error(`${source}: duplicate token ${JSON.stringify(t)} at ids ${this.ids.get(t)} and ${i}`);
      this.ids.set(t, i);
    });
    this.vocabSize = vocab.length;
    const added = options.addedTokens ?? BLIP_ADDED_TOKENS;
    const tokens = [...vocab];
    for (const t of added) {
      if (!this.ids.has(t)) {
        this.ids.set(t, tokens.length);
        tokens.push(t);
      }
    }
    this.tokens = tokens;

    const required = (t: string) => {
      const id = this.ids.get(t);
      if (id === undefined) throw new Error(`${source}: has no ${t} token, which BERT needs`);
      return id;
    };
    this.padId = required('[PAD]');
    this.unkId = required('[UNK]');
    this.clsId = required('[CLS]');
    this.sepId = required('[SEP]');
    this.maskId = this.ids.get('[MASK]');
    this.decId = added.includes('[DEC]') ? this.ids.get('[DEC]') : undefined;
    this.encId = added.includes('[ENC]') ? this.ids.get('[ENC]') : undefined;

    const addedIds = added.map((t) => this.ids.get(t)!);
    this.addedIds = new Set(addedIds);
    this.specialIds = new Set([this.padId, this.unkId, this.clsId, this.sepId, ...(this.maskId === undefined ? [] : [this.maskId]), ...addedIds]);
    // Longest first, so that of two added tokens where one starts the other, the longer wins.
    const escaped = [...added].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.addedPattern = escaped.length ? new RegExp(`(${escaped.join('|')})`) : undefined;
    this.longestPiece = vocab.reduce((m, t) => Math.max(m, t.startsWith('##') ? t.length - 2 : t.length), 0);
  }

  /** Vocabulary plus added tokens: the size of the model's word-embedding table. */
  get size(): number {
    return this.tokens.length;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new Error(`BertTokenizer: id ${id} is outside the vocabulary (0..${this.size - 1})`);
    return t;
  }

  /** Text → token strings (no [CLS]/[SEP]). */
  tokenize(text: string): string[] {
    return this.encode(text, { addSpecialTokens: false }).map((id) => this.tokens[id]!);
  }

  /** Text → ids, by default wrapped in [CLS] … [SEP]. */
  encode(text: string, { addSpecialTokens = true }: BertEncodeOptions = {}): number[] {
    const out: number[] = addSpecialTokens ? [this.clsId] : [];
    // split() with a capturing group keeps the matched added tokens at the odd positions.
    const segments = this.addedPattern ? text.split(this.addedPattern) : [text];
    segments.forEach((segment, i) => {
      if (i % 2 === 1) out.push(this.ids.get(segment)!);
      else for (const word of basicTokenize(segment, { lowerCase: this.lowerCase })) for (const id of this.wordPiece(word)) out.push(id);
    });
    if (addSpecialTokens) out.push(this.sepId);
    return out;
  }

  /**
   * Ids → text: pieces joined with spaces, "##" continuations glued to what precedes them.
   * Added tokens stand apart, as separate words.
   */
  decode(ids: Iterable<number>, { skipSpecialTokens = false, cleanUpTokenizationSpaces = false }: BertDecodeOptions = {}): string {
    const parts: string[] = [];
    let run: string[] = [];
    const flush = () => {
      if (run.length) parts.push(run.join(' ').replaceAll(' ##', '').trim());
      run = [];
    };
    for (const id of ids) {
      const token = this.idToToken(id);
      if (skipSpecialTokens && this.specialIds.has(id)) continue;
      if (this.addedIds.has(id)) {
        flush();
        parts.push(token);
      } else run.push(token);
    }
    flush();
    let text = parts.join(' ');
    if (cleanUpTokenizationSpaces) for (const [from, to] of CLEANUPS) text = text.replaceAll(from, to);
    return text;
  }

  /**
   * A batch of texts → int32 [B, T] `inputIds` and `attentionMask` (Hugging Face's
   * `tokenizer(texts, padding, truncation, max_length)`).
   */
  call(texts: string | readonly string[], options: BertCallOptions = {}): BatchEncoding {
    const { addSpecialTokens = true, padding = 'longest', truncation = false, maxLength = this.modelMaxLength } = options;
    const batch = typeof texts === 'string' ? [texts] : texts;
    const specials = addSpecialTokens ? 2 : 0;
    if (truncation && (!Number.isInteger(maxLength) || maxLength < specials)) {
      throw new Error(`BertTokenizer.call: maxLength ${maxLength} leaves no room for [CLS] and [SEP]`);
    }
    const sequences = batch.map((text) => {
      if (!truncation) return this.encode(text, { addSpecialTokens });
      // Cut the content, then wrap it, so [SEP] always closes the sequence.
      const content = this.encode(text, { addSpecialTokens: false }).slice(0, maxLength - specials);
      return addSpecialTokens ? [this.clsId, ...content, this.sepId] : content;
    });
    return padBatch(sequences, { padding, padId: this.padId, maxLength, caller: 'BertTokenizer.call' });
  }

  /** vocab.txt contents: the vocabulary without the added tokens (they are appended again on load). */
  toVocabText(): string {
    return formatVocabText(this.tokens.slice(0, this.vocabSize));
  }

  /** Writes `dir/vocab.txt` atomically (a local directory, created if missing; Node only). */
  async savePretrained(dir: string): Promise<void> {
    await writeText(joinLocation(dir, 'vocab.txt'), this.toVocabText());
  }

  /** One basic-tokenized word → its pieces' ids: greedy longest match first, or a single [UNK]. */
  private wordPiece(word: string): readonly number[] {
    const cached = this.wordCache.get(word);
    if (cached) return cached;
    // Positions are counted in code points, as the reference does, but sliced in UTF-16 units.
    const bounds: number[] = [0];
    for (let i = 0; i < word.length; ) {
      i += word.codePointAt(i)! > 0xffff ? 2 : 1;
      bounds.push(i);
    }
    let ids: number[] = [];
    if (bounds.length - 1 > this.maxInputCharsPerWord) ids = [this.unkId];
    else {
      for (let start = 0; start < bounds.length - 1; ) {
        let found = -1;
        let end = bounds.length - 1;
        while (end > start && bounds[end]! - bounds[start]! > this.longestPiece) end--;
        for (; end > start; end--) {
          const piece = word.slice(bounds[start], bounds[end]);
          const id = this.ids.get(start > 0 ? `##${piece}` : piece);
          if (id !== undefined) {
            found = id;
            break;
          }
        }
        if (found < 0) {
          ids = [this.unkId];
          break;
        }
        ids.push(found);
        start = end;
      }
    }
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(word, ids);
    return ids;
  }
}
