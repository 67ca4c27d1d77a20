import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedPath } from '../testing/shared-data.js';
import { BPE_BASE_VOCAB_SIZE, trainBpe } from './bpe-train.js';
import { CLIPTokenizer } from './clip-bpe.js';
import { cleanClipText, splitClipWords } from './clip-text.js';
import { htmlUnescape } from './html-unescape.js';

interface Case {
  text: string;
  bpe_tokens: string[];
  ids: number[];
  padded: number[];
}

/** What decode(encode(text)) gives back: the cleaned text's words (special tokens aside) joined by single spaces. */
const wordsOf = (text: string) =>
  splitClipWords(cleanClipText(text))
    .filter((w) => w !== '<|startoftext|>' && w !== '<|endoftext|>')
    .join(' ');

const CAPTIONS = [
  'a photo of a cat sitting on a red sofa',
  'two dogs playing in the snow',
  'a man riding a bicycle down a city street',
  'a bowl of fresh fruit on a wooden table',
  'a small boat on a calm lake at sunset',
  'children playing football in a park',
  'a plate of pasta with tomato sauce',
  'an old building with tall windows',
  'a woman holding an umbrella in the rain',
  'a train passing through the countryside',
  'a black and white photo of a street',
  'a group of people standing near a bus',
  'a close up photo of a yellow flower',
  'a dog catching a frisbee on the beach',
  'a kitchen with white cabinets and a stove',
  'a bird sitting on a branch of a tree',
  'a pizza with cheese and mushrooms',
  'a red car parked beside the road',
  'snow covered mountains under a blue sky',
  'a cat sleeping next to a laptop',
];

describe('htmlUnescape (Python html.unescape rules)', () => {
  it.each([
    ['&amp;amp;', '&amp;'],
    ['AT&amp;T', 'AT&T'],
    ['&#65&#66;', 'AB'],
    ['&#128;', '€'], // Windows-1252 reading of C1 bytes
    ['&#0;', '\uFFFD'],
    ['&#xD800;', '\uFFFD'],
    ['&#x110000;', '\uFFFD'],
    ['&#12345678901234567890;', '\uFFFD'],
    ['&#1;', ''],
    ['&#x7f;', ''],
    ['&#13;', '\r'],
    ['&lt', '<'], // legacy name without ';'
    ['&ampx', '&x'], // longest known prefix
    ['&notit;', '¬it;'],
    ['&NotNestedGreaterGreater;', '⪢̸'], // two code points
    ['&bogus;', '&bogus;'],
  ])('%j → %j', (input, expected) => {
    expect(htmlUnescape(input)).toBe(expected);
  });

  it('is applied twice by the cleaning, as upstream', () => {
    expect(cleanClipText('Fish &amp;amp; Chips')).toBe('fish & chips');
  });
});

describe('CLIP text cleaning and word split', () => {
  it('collapses Unicode white space (not U+FEFF), strips, lower-cases', () => {
    expect(cleanClipText('\u3000 A\u0085B\t\nC \u00a0')).toBe('a b c');
    expect(cleanClipText('\x1c x\ufeffy \x1f')).toBe('x\ufeffy');
  });

  it('keeps digits single and contractions apart, and follows upstream IGNORECASE', () => {
    expect(splitClipWords("it's 2024")).toEqual(['it', "'s", '2', '0', '2', '4']);
    expect(splitClipWords("it'ſ")).toEqual(['it', "'ſ"]);
    expect(splitClipWords('a\u0345b')).toEqual(['a', 'b']); // U+0345 matches nothing under re.IGNORECASE
  });
});

describeWithShared('CLIPTokenizer parity with OpenAI simple_tokenizer', ['data/clip-bpe/vocab.json', 'data/clip-bpe/merges.txt', 'data/clip-bpe/bpe_simple_vocab_16e6.txt.gz', 'fixtures/clip_tokenizer_cases.json'], () => {
  const fixture = JSON.parse(readFileSync(sharedPath('fixtures/clip_tokenizer_cases.json'), 'utf8')) as { context_length: number; cases: Case[] };
  // Read at collection time so every case can be its own test; fromFiles is what fromPretrained calls.
  const tok = CLIPTokenizer.fromFiles(
    { vocab: readFileSync(sharedPath('data/clip-bpe/vocab.json'), 'utf8'), merges: readFileSync(sharedPath('data/clip-bpe/merges.txt'), 'utf8') },
    { vocab: sharedPath('data/clip-bpe/vocab.json'), merges: sharedPath('data/clip-bpe/merges.txt') },
  );
  let loaded: CLIPTokenizer;
  beforeAll(async () => {
    loaded = await CLIPTokenizer.fromPretrained(sharedPath('data/clip-bpe'));
  });

  it('has the 49,408-token vocabulary with SOT 49406 and EOT 49407', () => {
    expect(loaded.merges).toEqual(tok.merges);
    expect(loaded.vocab).toEqual(tok.vocab);
    expect(tok.vocabSize).toBe(49408);
    expect(tok.merges.length).toBe(48894);
    expect([tok.startOfTextId, tok.endOfTextId]).toEqual([49406, 49407]);
    expect(fixture.context_length).toBe(77);
  });

  it.each(fixture.cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))('%s', (_, c) => {
    expect(tok.tokenize(c.text)).toEqual(c.bpe_tokens);
    expect(tok.encode(c.text)).toEqual(c.ids);
    const { inputIds, attentionMask } = tok.call([c.text]);
    expect(inputIds.dtype).toBe('int32');
    expect((inputIds.toArray() as number[][])[0]).toEqual(c.padded);
    const real = Math.min(c.ids.length, 77);
    expect((attentionMask.toArray() as number[][])[0]).toEqual([...Array(real).fill(1), ...Array(77 - real).fill(0)]);
    expect(tok.decode(c.ids)).toBe(wordsOf(c.text));
  });

  it('batches every case at once into [B, 77], exactly clip.tokenize', () => {
    const { inputIds, attentionMask } = tok.call(fixture.cases.map((c) => c.text));
    expect(inputIds.shape).toEqual([fixture.cases.length, 77]);
    expect(attentionMask.shape).toEqual([fixture.cases.length, 77]);
    expect(inputIds.toArray()).toEqual(fixture.cases.map((c) => c.padded));
  });

  it('pads as Hugging Face does when asked (padId = EOT), and to the longest row', () => {
    const { inputIds, attentionMask } = tok.call(['a photo of a cat.', 'a diagram'], { padding: 'longest', padId: tok.endOfTextId });
    expect(inputIds.toArray()).toEqual([
      [49406, 320, 1125, 539, 320, 2368, 269, 49407],
      [49406, 320, 22697, 49407, 49407, 49407, 49407, 49407],
    ]);
    expect(attentionMask.toArray()).toEqual([
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0, 0, 0, 0],
    ]);
  });

  it('truncates keeping EOT last, or refuses without truncation; no padding needs equal lengths', () => {
    const long = fixture.cases.find((c) => c.ids.length > 77)!;
    const row = (tok.call([long.text], { maxLength: 10 }).inputIds.toArray() as number[][])[0]!;
    expect(row).toEqual([...long.ids.slice(0, 9), 49407]);
    expect(() => tok.call([long.text], { truncation: false })).toThrow(/longer than maxLength 77/);
    expect(tok.call(['a cat', 'a dog'], { padding: false }).inputIds.shape).toEqual([2, 4]);
    expect(() => tok.call(['a cat', 'a black dog'], { padding: false })).toThrow(/differ in length/);
  });

  it('builds the same tokenizer from OpenAI\'s merges-only .gz file', async () => {
    const openai = await CLIPTokenizer.fromOpenAIMerges(sharedPath('data/clip-bpe/bpe_simple_vocab_16e6.txt.gz'));
    expect(openai.merges).toEqual(tok.merges);
    expect(new Map([...openai.vocab].sort((a, b) => a[1] - b[1]))).toEqual(new Map([...tok.vocab].sort((a, b) => a[1] - b[1])));
    for (const c of fixture.cases) expect(openai.encode(c.text)).toEqual(c.ids);
  });

  it('writes vocab.json + merges.txt that load back to the same tokenizer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-clip-tok-'));
    await tok.savePretrained(dir);
    const again = await CLIPTokenizer.fromPretrained(dir);
    expect(again.merges).toEqual(tok.merges);
    expect([...again.vocab].sort((a, b) => a[1] - b[1])).toEqual([...tok.vocab].sort((a, b) => a[1] - b[1]));
    expect(readFileSync(join(dir, 'merges.txt'), 'utf8')).toBe(readFileSync(sharedPath('data/clip-bpe/merges.txt'), 'utf8'));
  });

  it('encodes 10k captions quickly (fresh cache)', () => {
    const fresh = CLIPTokenizer.fromFiles(tok.toFiles());
    // Varied captions: templates × a few hundred vocabulary words, so the word cache misses often.
    const words = [...fresh.vocab.keys()].filter((t) => /^[a-z]{3,}<\/w>$/.test(t)).slice(0, 3000).map((t) => t.slice(0, -4));
    const captions = Array.from({ length: 10_000 }, (_, i) => `a photo of ${words[(i * 7) % words.length]} and ${words[(i * 13 + 5) % words.length]}, ${words[(i * 31 + 11) % words.length]} in the ${words[(i * 17 + 3) % words.length]}.`);
    const start = performance.now();
    const { inputIds } = fresh.call(captions);
    const ms = performance.now() - start;
    console.log(`CLIPTokenizer: 10,000 captions → [${inputIds.shape.join(', ')}] in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(3000);
  });
});

describe('trainBpe', () => {
  it('learns the most frequent pair first and breaks ties by token order', () => {
    const tok = trainBpe(['hug hug hug pug pun'], BPE_BASE_VOCAB_SIZE + 3, { minFrequency: 1 });
    // (u, g</w>) occurs 4 times, then (h, ug</w>) 3 times; then three pairs once each, and
    // (p, u) wins the tie: 'p' = 'p' and 'u' < 'ug</w>'.
    expect(tok.merges).toEqual([
      ['u', 'g</w>'],
      ['h', 'ug</w>'],
      ['p', 'u'],
    ]);
    expect(tok.tokenize('hug pun')).toEqual(['hug</w>', 'pu', 'n</w>']);
  });

  it('respects the vocabulary size and lays the vocabulary out as CLIP does', () => {
    const tok = trainBpe(CAPTIONS, 700, { minFrequency: 1 });
    expect(tok.vocabSize).toBe(700);
    expect(tok.idToToken(0)).toBe('!');
    expect(tok.idToToken(256)).toBe('!</w>');
    expect([tok.startOfTextId, tok.endOfTextId]).toEqual([698, 699]);
    // With the default minFrequency of 2 the corpus runs out of pairs first: fewer, never more.
    const small = trainBpe(CAPTIONS, 5000);
    expect(small.vocabSize).toBeLessThan(5000);
    expect(() => trainBpe(CAPTIONS, 100)).toThrow(/vocabSize must be an integer ≥ 514/);
  });

  it('round-trips text, seen or not, and compresses what it saw', () => {
    const tok = trainBpe(CAPTIONS, 800);
    const base = trainBpe([], BPE_BASE_VOCAB_SIZE);
    for (const text of [...CAPTIONS, 'A Purple ELEPHANT!!', 'café crème, 👍🏽 東京 2024', 'fish &amp; chips', 'x\ufeffy']) {
      expect(tok.decode(tok.encode(text))).toBe(wordsOf(text));
    }
    for (const text of CAPTIONS) expect(tok.decode(tok.encode(text))).toBe(cleanClipText(text));
    const count = (t: CLIPTokenizer) => CAPTIONS.reduce((n, c) => n + t.encode(c).length, 0);
    expect(count(tok)).toBeLessThan(count(base) * 0.7); // 378 vs 627 ids when written
  });

  it('is deterministic and does not depend on the order of the captions', () => {
    const a = trainBpe(CAPTIONS, 900, { minFrequency: 1 });
    const b = trainBpe(CAPTIONS, 900, { minFrequency: 1 });
    const c = trainBpe([...CAPTIONS].reverse(), 900, { minFrequency: 1 });
    expect(b.merges).toEqual(a.merges);
    expect(c.merges).toEqual(a.merges);
    expect(c.toFiles()).toEqual(a.toFiles());
  });

  it('saves and loads back in the Hugging Face format', async () => {
    const tok = trainBpe(CAPTIONS, 650);
    const dir = join(mkdtempSync(join(tmpdir(), 'glimpse-bpe-')), 'nested', 'tokenizer');
    await tok.savePretrained(dir);
    const again = await CLIPTokenizer.fromPretrained(dir);
    expect(again.merges).toEqual(tok.merges);
    expect(again.vocabSize).toBe(tok.vocabSize);
    for (const text of CAPTIONS) expect(again.encode(text)).toEqual(tok.encode(text));
    expect(CLIPTokenizer.fromFiles(tok.toFiles()).toFiles()).toEqual(tok.toFiles());
  });
});

describe('CLIPTokenizer errors', () => {
  const good = trainBpe(['hug hug hug pug pun'], BPE_BASE_VOCAB_SIZE + 3, { minFrequency: 1 }).toFiles();
  const dirWith = (vocab: string, merges: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-bad-tok-'));
    writeFileSync(join(dir, 'vocab.json'), vocab);
    writeFileSync(join(dir, 'merges.txt'), merges);
    return dir;
  };
  const load = (vocab: string, merges: string) => CLIPTokenizer.fromPretrained(dirWith(vocab, merges));

  it('names a vocab.json that is not JSON, not an object, or has a bad id', async () => {
    const broken = dirWith('{"a": 1,', good.merges);
    await expect(CLIPTokenizer.fromPretrained(broken)).rejects.toThrow(`${join(broken, 'vocab.json')} is not valid JSON`);
    await expect(load('[1, 2]', good.merges)).rejects.toThrow(/vocab\.json must be one JSON object/);
    await expect(load('{"a": 1.5}', good.merges)).rejects.toThrow(/vocab\.json: token "a" has id 1.5/);
    await expect(load('{"a": 1, "b": 1}', good.merges)).rejects.toThrow(/id 1 is given to both "a" and "b"/);
    await expect(load('{"a": 0, "<|startoftext|>": 1}', '#version: 0.2\n')).rejects.toThrow(/vocab\.json has no <\|endoftext\|> token/);
  });

  it('names the line of a bad merges.txt', async () => {
    const lines = good.merges.split('\n');
    lines[2] = 'h ug</w> extra';
    const dir = dirWith(good.vocab, lines.join('\n'));
    await expect(CLIPTokenizer.fromPretrained(dir)).rejects.toThrow(`${join(dir, 'merges.txt')} line 3: expected "left right"`);
    lines[2] = 'h zz';
    await expect(load(good.vocab, lines.join('\n'))).rejects.toThrow(/merges\.txt line 3: "zz" \(from the merge "h zz"\) is not in .*vocab\.json/);
  });

  it('names a missing or non-UTF-8 file, and ids outside the vocabulary', async () => {
    const missing = mkdtempSync(join(tmpdir(), 'glimpse-empty-'));
    await expect(CLIPTokenizer.fromPretrained(missing)).rejects.toThrow(`cannot read ${join(missing, 'vocab.json')}`);
    const latin1 = dirWith(good.vocab, '#version: 0.2\n');
    writeFileSync(join(latin1, 'merges.txt'), Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61, 0x0a]));
    await expect(CLIPTokenizer.fromPretrained(latin1)).rejects.toThrow(/merges\.txt as UTF-8 text/);
    writeFileSync(join(latin1, 'merges.txt.gz'), 'not gzip');
    await expect(CLIPTokenizer.fromOpenAIMerges(join(latin1, 'merges.txt.gz'))).rejects.toThrow(/cannot read .*merges\.txt\.gz as gzipped UTF-8/);
    expect(() => CLIPTokenizer.fromFiles(good).decode([99999])).toThrow(/id 99999 is not in the vocabulary/);
  });
});
