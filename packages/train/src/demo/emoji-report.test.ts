import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emojiReport, FAST } from './emoji-report.js';

describe('the main job, fast configuration (README command 1 runs the full one)', () => {
  it('trains CLIP and BLIP on Google emoji, evaluates on Twitter emoji and writes the report', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'glimpse-demo-'));
    const { report, metrics } = await emojiReport({ outDir, ...FAST, log: () => {} });
    const md = readFileSync(report, 'utf8');
    for (const name of ['text→image R@10', 'zero-shot category top-1', 'caption CIDEr-D', 'ITM accuracy']) expect(md).toContain(name);
    for (const f of ['clip-loss.svg', 'blip-loss.svg', 'clip-retrieval.png', 'blip-captions.png', 'clip/model/model.safetensors', 'blip/model/vocab.txt']) expect(existsSync(join(outDir, f)), f).toBe(true);
    expect(metrics.find((m) => m.name === 'text→image R@10')!.baseline).toBeCloseTo(10 / 1911, 6);
    expect(metrics.every((m) => typeof m.value === 'number' && Number.isFinite(m.value))).toBe(true);
  }, 240_000);
});
