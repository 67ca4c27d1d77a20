import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeShapes } from '../data/shapes.js';
import { writeShapesFolder } from '../data/shapes-io.js';
import { main } from './main.js';

afterEach(() => vi.restoreAllMocks());

describe('glimpse train clip → eval → zeroshot, on a folder of captioned images', () => {
  it('trains, writes a loadable model directory, evaluates it and uses it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-train-cli-'));
    const data = join(root, 'shapes');
    writeShapesFolder(data, makeShapes({ count: 24, seed: 1, size: 16 }));
    const out = join(root, 'run');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['train', 'clip', '--data', data, '--eval-data', data, '--out', out, '--steps', '4', '--batch-size', '8', '--image-size', '16'])).toBe(0);
    for (const f of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt', 'preprocessor_config.json']) expect(existsSync(join(out, 'model', f)), f).toBe(true);
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true);
    expect(lines.join('\n')).toMatch(/model written to .*run\/model[\s\S]*i2t_R@1\s+\d\.\d{4}/);
    lines.length = 0;
    expect(await main(['eval', '--model', join(out, 'model'), '--data', data])).toBe(0);
    expect(lines[0]).toMatch(/24 images$/);
    expect(lines.some((l) => /t2i_R@10\s+\d\.\d{4}/.test(l))).toBe(true);
    lines.length = 0;
    expect(await main(['zeroshot', '--model', join(out, 'model'), '--image', join(data, 'images', '00000.png'), '--labels', 'a red circle,a blue square'])).toBe(0);
    expect(lines).toHaveLength(3);
  }, 120_000);

  it('names what is missing', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['train', '--out', '/tmp/x'])).toBe(2);
    expect(await main(['train', 'clip', '--out', '/tmp/x'])).toBe(2);
    expect(await main(['train', 'clip', '--data', '/no/such/folder', '--out', '/tmp/x'])).toBe(2);
    expect(await main(['train', 'clip', '--emoji', 'apple', '--out', '/tmp/x'])).toBe(2);
    expect(err).toEqual([
      "glimpse train: say what to train: glimpse train clip|blip … (got nothing)",
      'glimpse train: give --data PATH or --emoji STYLE (see glimpse train --help)',
      'glimpse train: data /no/such/folder does not exist',
      'glimpse train: --emoji must be google or twitter, got apple',
    ]);
  });
});

describe('glimpse train blip → caption → itm', () => {
  it('pre-trains a BLIP, then captions an image and scores texts against it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-blip-cli-'));
    const data = join(root, 'shapes');
    writeShapesFolder(data, makeShapes({ count: 16, seed: 2, size: 16 }));
    const out = join(root, 'run');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['train', 'blip', '--data', data, '--out', out, '--steps', '2', '--batch-size', '8', '--image-size', '16'])).toBe(0);
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) expect(existsSync(join(out, 'model', f)), f).toBe(true);
    lines.length = 0;
    const image = join(data, 'images', '00000.png');
    expect(await main(['caption', '--model', join(out, 'model'), '--beams', '2', '--max-length', '6', image])).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${image}\t`)).toBe(true);
    lines.length = 0;
    expect(await main(['caption', '--model', join(out, 'model'), '--sample', '--seed', '3', '--max-length', '6', image])).toBe(0);
    const sampled = lines[0];
    lines.length = 0;
    expect(await main(['caption', '--model', join(out, 'model'), '--sample', '--seed', '3', '--max-length', '6', image])).toBe(0);
    expect(lines[0]).toBe(sampled); // seeded: the same caption again
    lines.length = 0;
    expect(await main(['itm', '--model', join(out, 'model'), '--image', image, '--text', 'a red circle', '--text', 'a blue star'])).toBe(0);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^0\.\d{4}\t(match|no match)\ta /);
  }, 120_000);
});
