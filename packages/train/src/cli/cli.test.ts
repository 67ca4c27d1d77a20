import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIPModel, trainBpe } from '@glimpse/models';
import { main } from './main.js';

const image = fileURLToPath(new URL('../../../../fixtures/images/coffee.png', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glimpse-cli-'));
  const tokenizer = trainBpe(['a red cup of coffee', 'a cat on a mat', 'a dog in the park', 'a photo of a cat'], 560);
  const model = CLIPModel.create({
    projection_dim: 8,
    text_config: { vocab_size: tokenizer.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 16, bos_token_id: tokenizer.vocabSize - 2, eos_token_id: tokenizer.vocabSize - 1 },
    vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 },
  });
  await model.savePretrained(dir);
  await tokenizer.savePretrained(dir);
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('glimpse CLI', () => {
  it('zeroshot ranks the labels of an image (probabilities summing to 100%)', async () => {
    const { out } = capture();
    expect(await main(['zeroshot', '--model', dir, '--image', image, '--labels', 'cat, dog,coffee', '--template', 'a photo of a {}'])).toBe(0);
    expect(out[0]).toBe(image);
    const rows = out.slice(1).map((l) => /^\s+([\d.]+)%\s+(\w+)$/.exec(l)!);
    expect(rows.map((r) => r[2]).sort()).toEqual(['cat', 'coffee', 'dog']);
    expect(rows.reduce((s, r) => s + Number(r[1]), 0)).toBeCloseTo(100, 0);
  });

  it('retrieve ranks a text gallery for an image query', async () => {
    const { out } = capture();
    expect(await main(['retrieve', '--model', dir, '--query-image', image, '--texts', 'a cat | a cup of coffee', '--top-k', '2'])).toBe(0);
    expect(out).toHaveLength(3);
    expect(out.slice(1).every((l) => /^\s+-?\d\.\d{4}\s+a /.test(l))).toBe(true);
  });

  it('--help works everywhere and names every command', async () => {
    const { out } = capture();
    expect(await main(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/zeroshot.*\n.*retrieve/s);
    expect(await main(['zeroshot', '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/glimpse zeroshot --model DIR/);
  });

  it('bad flags, missing files and unknown commands: one line on stderr, exit code 2', async () => {
    const { err } = capture();
    expect(await main(['zeroshot', '--model', dir, '--bogus'])).toBe(2);
    expect(await main(['zeroshot', '--model', dir, '--image', '/no/such.png', '--labels', 'a,b'])).toBe(2);
    expect(await main(['zeroshot', '--model', '/no/such/dir', '--image', image, '--labels', 'a,b'])).toBe(2);
    expect(await main(['zeroshot', '--image', image])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    expect(err).toHaveLength(5);
    expect(err[0]).toMatch(/^glimpse zeroshot: Unknown option '--bogus'/);
    expect(err[1]).toBe('glimpse zeroshot: file /no/such.png does not exist');
    expect(err[2]).toMatch(/^glimpse zeroshot: \/no\/such\/dir is not a CLIP directory \(no config\.json\)$/);
    expect(err[3]).toBe('glimpse zeroshot: --model is required (see glimpse zeroshot --help)');
    expect(err[4]).toMatch(/^glimpse: unknown command 'frobnicate'/);
    expect(err.every((l) => !l.includes('\n'))).toBe(true);
  });
});
