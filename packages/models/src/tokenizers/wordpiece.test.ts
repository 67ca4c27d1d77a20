import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedPath } from '../testing/shared-data.js';
import { basicTokenize } from './basic-tokenizer.js';
import { preCaption } from './pre-caption.js';
import { trainWordPiece } from './train-wordpiece.js';
import { BertTokenizer } from './wordpiece.js';

const VOCAB = 'data/bert-base-uncased/vocab.txt';
const CASES = 'fixtures/bert_wordpiece_cases.json';

interface Case {
  text: string;
  tokens: string[];
  ids: number[];
  ids_with_special: number[];
}

describeWithShared('BertTokenizer on bert-base-uncased', [VOCAB, CASES], () => {
  let tok: BertTokenizer;
  beforeAll(async () => {
    tok = await BertTokenizer.fromPretrained(sharedPath('data/bert-base-uncased'));
  });
  const cases = (JSON.parse(readFileSync(sharedPath(CASES), 'utf8')) as { cases: Case[] }).cases;

  it('reads all 50 reference cases', () => {
    expect(cases).toHaveLength(50);
  });

  it.each(cases.map((c, i) => [i, JSON.stringify(c.text).slice(0, 50), c] as const))('case %i %s matches Google FullTokenizer', (_i, _name, c) => {
    expect(tok.tokenize(c.text)).toEqual(c.tokens);
    expect(tok.encode(c.text, { addSpecialTokens: false })).toEqual(c.ids);
    expect(tok.encode(c.text)).toEqual(c.ids_with_special);
  });

  it('has BERT special ids and BLIP added tokens [DEC] = 30522, [ENC] = 30523', () => {
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 100, 101, 102, 103]);
    expect([tok.decId, tok.encId]).toEqual([30522, 30523]);
    expect([tok.vocabSize, tok.size]).toEqual([30522, 30524]);
    expect(tok.idToToken(30522)).toBe('[DEC]');
    expect(tok.tokenToId('[ENC]')).toBe(30523);
  });

  it('never splits the added tokens; typed [CLS] stays text as in the reference', () => {
    expect(tok.encode('[DEC]a picture of a dog')).toEqual([101, 30522, 1037, 3861, 1997, 1037, 3899, 102]);
    expect(tok.tokenize('[ENC] [DEC]')).toEqual(['[ENC]', '[DEC]']);
    expect(tok.tokenize('[dec]')).toEqual(['[', 'dec', ']']); // matched case-sensitively, as Hugging Face does
    expect(tok.tokenize('[CLS]')).toEqual(['[', 'cl', '##s', ']']);
  });

  it('reads the vocab file itself too, and keeps the ids', async () => {
    const direct = await BertTokenizer.fromPretrained(sharedPath(VOCAB));
    expect(direct.tokens).toEqual(tok.tokens);
  });

  it('a plain BERT tokenizer without the BLIP tokens', () => {
    const plain = BertTokenizer.fromVocabText(readFileSync(sharedPath(VOCAB), 'utf8'), { addedTokens: [] });
    expect([plain.size, plain.decId, plain.encId]).toEqual([30522, undefined, undefined]);
    expect(plain.tokenize('[DEC]')).toEqual(['[', 'dec', ']']);
  });

  it('decodes, joining ## pieces and optionally dropping special tokens', () => {
    const ids = tok.encode('UNAFFABLE dogs, running!');
    expect(tok.decode(ids)).toBe('[CLS] unaffable dogs , running ! [SEP]');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('unaffable dogs , running !');
    expect(tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: true })).toBe('unaffable dogs, running!');
    expect(tok.decode([30522, 1037, 3899, 102, 0, 0], { skipSpecialTokens: true })).toBe('a dog');
    expect(tok.decode([30522, 1037, 3899])).toBe('[DEC] a dog');
    expect(() => tok.decode([30524])).toThrow(/id 30524 is outside the vocabulary \(0\.\.30523\)/);
  });

  it('batches with longest padding, an attention mask and int32 tensors', () => {
    const { inputIds, attentionMask } = tok.call(['a dog', 'a black cat on a sofa']);
    expect(inputIds.dtype).toBe('int32');
    expect(attentionMask.dtype).toBe('int32');
    expect(inputIds.shape).toEqual([2, 8]);
    expect(inputIds.toArray()).toEqual([
      [101, 1037, 3899, 102, 0, 0, 0, 0],
      [101, 1037, 2304, 4937, 2006, 1037, 10682, 102],
    ]);
    expect(attentionMask.toArray()).toEqual([
      [1, 1, 1, 1, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1, 1, 1],
    ]);
  });

  it('pads to max_length and truncates keeping the final [SEP]', () => {
    const batch = tok.call(['a dog', 'a black cat on a sofa'], { padding: 'max_length', truncation: true, maxLength: 6 });
    expect(batch.inputIds.toArray()).toEqual([
      [101, 1037, 3899, 102, 0, 0],
      [101, 1037, 2304, 4937, 2006, 102],
    ]);
    expect(batch.attentionMask.toArray()).toEqual([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ]);
    const raw = tok.call('a black cat on a sofa', { addSpecialTokens: false, truncation: true, maxLength: 3, padding: false });
    expect(raw.inputIds.toArray()).toEqual([[1037, 2304, 4937]]);
    // BLIP's text batches: padding 'longest', truncation at 35.
    const long = tok.call(['word '.repeat(50)], { truncation: true, maxLength: 35 });
    expect(long.inputIds.shape).toEqual([1, 35]);
    expect(long.inputIds.toArray()).toEqual([[101, ...Array<number>(33).fill(2773), 102]]);
  });

  it('names what is wrong with a batch it cannot make', () => {
    expect(() => tok.call(['a dog', 'a cat on a mat'], { padding: false })).toThrow(/differ in length \(4, 7\)/);
    expect(() => tok.call(['a cat on a mat'], { padding: 'max_length', maxLength: 4 })).toThrow(/sequence 0 has 7 tokens, more than maxLength 4; pass truncation: true/);
    expect(() => tok.call(['a'], { truncation: true, maxLength: 1 })).toThrow(/maxLength 1 leaves no room for \[CLS\] and \[SEP\]/);
  });

  it('writes vocab.txt back byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-bert-'));
    await tok.savePretrained(dir);
    expect(readFileSync(join(dir, 'vocab.txt'))).toEqual(readFileSync(sharedPath(VOCAB)));
  });

  it('tokenizes 10k captions quickly', () => {
    const captions = syntheticCaptions(10_000, 7);
    const t0 = performance.now();
    const batch = tok.call(captions, { truncation: true, maxLength: 35 });
    const ms = performance.now() - t0;
    console.log(`BertTokenizer.call: 10k captions → [${batch.inputIds.shape.join(', ')}] in ${ms.toFixed(0)} ms`);
    expect(batch.inputIds.shape[0]).toBe(10_000);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('vocab.txt errors name the file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-vocab-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const base = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n';

  it.each([
    ['crlf.txt', '[PAD]\r\n[UNK]\r\n', /crlf\.txt:1: token "\[PAD\]\\r" contains a carriage return \(CRLF line endings\?\)/],
    ['blank.txt', `${base}\nhello\n`, /blank\.txt:5: empty line/],
    ['dup.txt', `${base}dog\ncat\ndog\n`, /dup\.txt:7: duplicate token "dog" \(first on line 5\)/],
    ['space.txt', `${base}new york\n`, /space\.txt:5: token "new york" contains whitespace U\+0020/],
    ['bom.txt', `\ufeff${base}`, /bom\.txt:1: starts with a byte-order mark/],
    ['empty.txt', '', /empty\.txt: empty vocabulary file/],
    ['nounk.txt', '[PAD]\n[CLS]\n[SEP]\n', /nounk\.txt: has no \[UNK\] token/],
  ])('%s', async (name, text, message) => {
    await expect(BertTokenizer.fromPretrained(write(name, text))).rejects.toThrow(message);
  });

  it('a missing file or invalid UTF-8', async () => {
    await expect(BertTokenizer.fromPretrained(join(dir, 'nope'))).rejects.toThrow(/cannot read .*nope\/vocab\.txt/);
    const bad = join(dir, 'latin1.txt');
    writeFileSync(bad, Uint8Array.from([0x5b, 0x50, 0x41, 0x44, 0x5d, 0x0a, 0xe9, 0x0a]));
    await expect(BertTokenizer.fromPretrained(bad)).rejects.toThrow(/latin1\.txt as UTF-8/);
  });
});

describe('basicTokenize', () => {
  it('follows the reference steps', () => {
    expect(basicTokenize(' \tHeLLo!How  \n Are yoU?  ')).toEqual(['hello', '!', 'how', 'are', 'you', '?']);
    expect(basicTokenize('H\u00E9llo')).toEqual(['hello']);
    expect(basicTokenize('ah\u535A\u63A8zz')).toEqual(['ah', '\u535A', '\u63A8', 'zz']);
    expect(basicTokenize('a$b^c`d|e~f')).toEqual(['a', '$', 'b', '^', 'c', '`', 'd', '|', 'e', '~', 'f']);
    expect(basicTokenize('HeLLo', { lowerCase: false })).toEqual(['HeLLo']);
  });
});

describe('preCaption (BLIP caption cleaning)', () => {
  it.each([
    ['A dog (brown) runs: fast!', 'a dog brown runs fast'],
    ['Two  cats... on a "mat"; sleeping~', 'two cats on a mat sleeping'],
    ['  #sunset *beach*  \n', 'sunset beach'],
    ["the man's hat, isn't it? yes-no / maybe", "the man's hat, isn't it? yes-no / maybe"],
    ['a\tdog', 'a\tdog'], // a single tab is not a run of two: the original leaves it
    ['a \t dog\n', 'a dog'],
    ['a dog\n\n', 'a dog'],
    ['CAFÉ', 'café'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(preCaption(input)).toBe(expected);
  });

  it('truncates to maxWords (30 by default) words split on single spaces', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    expect(preCaption(words.join(' ')).split(' ')).toEqual(words.slice(0, 30));
    expect(preCaption(words.join(' '), 5)).toBe('w0 w1 w2 w3 w4');
    expect(preCaption('a b c', 3)).toBe('a b c');
  });

  it('uses Python\'s whitespace, not JavaScript\'s', () => {
    expect(preCaption('a\u001f\u001fb')).toBe('a b'); // information separators are whitespace to Python's re
    expect(preCaption('a\ufeff\ufeffb')).toBe('a\ufeff\ufeffb'); // U+FEFF is not
  });
});

describe('trainWordPiece', () => {
  it('merges the most frequent pair first, ties to the older symbols', () => {
    const tok = trainWordPiece(['the the the then'], 100);
    // Alphabet: every character, then the "##" forms seen. (t,##h) and (##h,##e) both occur 4
    // times; t is older than ##h, so "th" first (word-initial pieces win ties, as in Hugging
    // Face's trainer); then (th,##e) ×4 → "the"; (the,##n) occurs once, under minFrequency 2.
    expect(tok.tokens).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'e', 'h', 'n', 't', '##e', '##h', '##n', 'th', 'the', '[DEC]', '[ENC]']);
    expect(tok.tokenize('then the hen')).toEqual(['the', '##n', 'the', 'h', '##e', '##n']);
  });

  it("'likelihood' prefers pairs whose parts seldom occur apart", () => {
    const corpus = ['ab ab ab ab ab ac ac ac ac ac de de de'];
    // 5 specials + a b c d e + ##b ##c ##e: the first merge gets id 13.
    const firstMerge = (scoring: 'bpe' | 'likelihood') => trainWordPiece(corpus, 14, { scoring }).tokens[13];
    expect(firstMerge('bpe')).toBe('ab'); // 5 × (a, ##b) ties 5 × (a, ##c); ##b is older
    expect(firstMerge('likelihood')).toBe('de'); // 3/(3·3) beats 5/(10·5)
  });

  it('stops at vocabSize and refuses one too small for the alphabet', () => {
    expect(trainWordPiece(syntheticCaptions(500, 1), 300).vocabSize).toBe(300);
    expect(() => trainWordPiece(['abc'], 7)).toThrow(/vocabSize 7 is smaller than the 5 special tokens plus the 5 alphabet symbols of the corpus \(10\)/);
  });

  it('round-trips its own captions without [UNK], is deterministic, saves and loads, and is fast', async () => {
    const captions = syntheticCaptions(10_000, 42).map((c) => preCaption(c));
    const t0 = performance.now();
    const tok = trainWordPiece(captions, 2000);
    const trainMs = performance.now() - t0;
    const t1 = performance.now();
    const encoded = captions.map((c) => tok.encode(c, { addSpecialTokens: false }));
    const encodeMs = performance.now() - t1;
    console.log(`trainWordPiece: 10k captions → ${tok.vocabSize} tokens in ${trainMs.toFixed(0)} ms; encoding them: ${encodeMs.toFixed(0)} ms`);
    expect(tok.vocabSize).toBe(2000);
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId, tok.decId, tok.encId]).toEqual([0, 1, 2, 3, 4, 2000, 2001]);
    encoded.forEach((ids, i) => {
      expect(ids).not.toContain(tok.unkId);
      expect(tok.decode(ids)).toBe(basicTokenize(captions[i]!).join(' '));
    });
    expect(trainMs).toBeLessThan(20_000);

    const shuffled = [...captions].reverse();
    expect(trainWordPiece(shuffled, 2000).tokens).toEqual(tok.tokens);
    expect(trainWordPiece(captions, 2000, { scoring: 'likelihood' }).tokens).toEqual(trainWordPiece(captions, 2000, { scoring: 'likelihood' }).tokens);
    // Asking for more than the corpus supports stops when no pair occurs twice.
    const t2 = performance.now();
    const all = trainWordPiece(captions, 50_000);
    console.log(`trainWordPiece: merging until no pair occurs twice → ${all.vocabSize} tokens in ${(performance.now() - t2).toFixed(0)} ms`);
    expect(all.vocabSize).toBeLessThan(50_000);
    expect(all.tokens.slice(0, 2000)).toEqual(tok.tokens.slice(0, 2000)); // the same merges, continued

    const dir = mkdtempSync(join(tmpdir(), 'glimpse-wp-'));
    await tok.savePretrained(dir);
    const loaded = await BertTokenizer.fromPretrained(dir);
    expect(loaded.tokens).toEqual(tok.tokens);
    expect(loaded.encode(captions[0]!)).toEqual(tok.encode(captions[0]!));
  });
});

/**
 * Deterministic caption-like sentences: a template with English words, and (for the variety of
 * a real corpus) a few made-up words drawn from a 6,000-word lexicon with a Zipf-like law.
 */
function syntheticCaptions(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const rand = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const dets = ['A', 'The', 'Two', 'Three', 'Some', 'Several', 'An old', 'A young', 'A small', 'A large'];
  const adjs = ['black', 'white', 'brown', 'red', 'fluffy', 'striped', 'happy', 'sleepy', 'wet', 'colorful', 'tiny', 'huge'];
  const nouns = ['dog', 'cat', 'man', 'woman', 'child', 'horse', 'bird', 'giraffe', 'elephant', 'skateboarder', 'surfer', 'train', 'bus', 'pizza', 'zebra'];
  const verbs = ['is sitting on', 'is running across', 'stands next to', 'is jumping over', 'is eating', 'rides', 'looks at', 'plays with', 'walks along'];
  const places = ['a bench', 'the beach', 'a grassy field', 'the kitchen table', 'a snowy mountain', 'a busy street', 'the ocean waves', 'a wooden fence', 'a café'];
  const extras = ['.', '!', ', near', ' (in the rain)', '; it is sunny.', ' #nofilter', ' at 3:45 pm', "'s owner"];
  const syllables = ['ka', 'lo', 'mi', 'ren', 'su', 'to', 'vax', 'bel', 'qui', 'zor', 'na', 'pe', 'dra', 'ish', 'om', 'tul', 'gan', 'ev', 'sh', 'ly'];
  const lexicon = Array.from({ length: 6000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(syllables)).join(''));
  const zipf = () => lexicon[Math.min(lexicon.length - 1, Math.floor(Math.exp(rand() * Math.log(lexicon.length))) - 1)]!;
  return Array.from({ length: n }, () => {
    const made = Array.from({ length: Math.floor(rand() * 4) }, zipf).join(' ');
    return `${pick(dets)} ${pick(adjs)} ${pick(nouns)} ${pick(verbs)} ${pick(places)}${made ? ` with ${made}` : ''}${pick(extras)}`;
  });
}
