import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { loadCaptionFile } from '../data/caption-files.js';
import { makeShapes, shapesDataset } from '../data/shapes.js';
import { blipCaptionBatcher, blipTokenizerFor, createBLIP } from '../recipes/blip-train.js';
import { blipTask } from '../tasks.js';
import { captionTruth, makeCapFiltData, parseShapesCaption } from './data.js';
import { captionDiversity, distinctNgrams, filterScore } from './measures.js';
import { CAPFILT_CONFIGS, capfiltPaths } from './config.js';
import { bootstrappedRows, type FilteredRow } from './pipeline.js';
import type { CapFiltResults } from './report.js';
import { runCapFilt } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-capfilt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under dir (relative paths), sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('CapFilt data', () => {
  const data = makeCapFiltData({ seed: 3, imageSize: 32, web: 200, human: 20, test: 20, noise: 0.4 });

  it('corrupts the stated fraction of web captions, records how, and leaves human and test clean', () => {
    const noisy = data.web.filter((it) => it.corruption);
    expect(noisy.length).toBe(80);
    expect(new Set(noisy.map((it) => it.corruption!.kind))).toEqual(new Set(['swap', 'color', 'relation', 'object']));
    for (const it of noisy) {
      expect(it.caption).not.toBe(it.corruption!.original);
      // A swap can land a one-object caption on a two-object scene that holds that object: true but incomplete (~2% of swaps).
      const truth = captionTruth(it.caption, { objects: it.objects.map((o) => `${o.color} ${o.shape}`), relation: it.relation ?? null });
      expect(truth === 'wrong' || (truth === 'partial' && it.corruption!.kind === 'swap'), it.caption).toBe(true);
    }
    for (const it of [...data.human, ...data.test, ...data.web.filter((x) => !x.corruption)]) {
      expect(captionTruth(it.caption, { objects: it.objects.map((o) => `${o.color} ${o.shape}`), relation: it.relation ?? null })).toBe('correct');
    }
    expect(makeCapFiltData({ seed: 3, imageSize: 32, web: 200, human: 20, test: 20, noise: 0.4 }).web.map((it) => it.caption)).toEqual(data.web.map((it) => it.caption));
  });

  it('reads captions back into scenes: either order of a relation is true, one object of two is incomplete', () => {
    const scene = { objects: ['red circle', 'blue square'], relation: 'left of' as const };
    expect(parseShapesCaption('an orange star above a red circle')).toEqual({ objects: ['orange star', 'red circle'], relation: 'above' });
    expect(parseShapesCaption('a red circle left of')).toBeUndefined();
    expect(captionTruth('a red circle left of a blue square', scene)).toBe('correct');
    expect(captionTruth('a blue square right of a red circle', scene)).toBe('correct');
    expect(captionTruth('a blue square left of a red circle', scene)).toBe('wrong');
    expect(captionTruth('a red circle', scene)).toBe('partial');
    expect(captionTruth('a green circle', scene)).toBe('wrong');
    expect(captionTruth('red circle ##s', scene)).toBe('wrong');
  });
});

describe('CapFilt measures', () => {
  it('filter precision and recall against the recorded noise, by kind', () => {
    const noise = ['swap', null, 'color', null, 'relation', null] as const;
    const kept = [false, true, true, false, false, true];
    const s = filterScore(noise, kept);
    expect(s).toMatchObject({ total: 6, noisy: 3, removed: 3, noiseRate: 0.5, precision: 2 / 3, recall: 2 / 3, cleanKept: 2 / 3 });
    expect(s.byKind).toEqual({ swap: { count: 1, removed: 1, recall: 1 }, color: { count: 1, removed: 0, recall: 0 }, relation: { count: 1, removed: 1, recall: 1 } });
  });

  it('distinct n-grams over a set of captions', () => {
    expect(distinctNgrams(['a red circle', 'a red square'], 1)).toBe(4 / 6);
    expect(distinctNgrams(['a red circle', 'a red square'], 2)).toBe(3 / 4);
    expect(captionDiversity(['a b', 'a b', 'a c']).uniqueCaptions).toBe(2 / 3);
  });

  it('the bootstrapped rows: all human pairs, then kept web texts and kept synthetic captions, with their origin', () => {
    const v = (caption: string, keep: boolean) => ({ caption, p: keep ? 0.9 : 0.1, keep });
    const filtered: FilteredRow[] = [
      { file: 'w0.png', web: { ...v('a red circle', true), noise: null }, nucleus: v('a red circle', true), beam: v('a red circle', false) },
      { file: 'w1.png', web: { ...v('a blue star', false), noise: 'color' }, nucleus: v('a green star', true), beam: v('a green star', true) },
    ];
    const rows = bootstrappedRows([{ file: 'h0.png', caption: 'a red square', scene: { objects: ['red square'], relation: null } }], filtered, 'nucleus');
    expect(rows).toEqual([
      { file: 'h0.png', caption: 'a red square', origin: 'human' },
      { file: 'w0.png', caption: 'a red circle', origin: 'web', p: 0.9 },
      { file: 'w0.png', caption: 'a red circle', origin: 'synthetic', p: 0.9 },
      { file: 'w1.png', caption: 'a green star', origin: 'synthetic', p: 0.9 },
    ]);
  });
});

describe('the captioner\'s fine-tuning step (λ_itc = λ_itm = 0)', () => {
  it('computes BlipPretrain\'s LM term and its gradients, without the two terms weighted 0', () => {
    const items = makeShapes({ count: 6, seed: 1 });
    const tokenizer = blipTokenizerFor(shapesDataset(items), 120);
    const { model, processor } = createBLIP(tokenizer, { seed: 2 });
    const batch = { pixelValues: processor.process(items.map((it) => it.image)).pixelValues, ...blipCaptionBatcher(tokenizer).call(items.map((it) => it.caption)) };
    const param = model.text_decoder.cls.predictions.transform.dense.weight;
    model.zeroGrad();
    const terms = blipTask(model, { weights: { itc: 0, itm: 0, lm: 1 } }).step(batch);
    const grad = param.grad!.toArray() as number[][];
    model.zeroGrad();
    const full = model.forward({ ...batch, weights: { itc: 0, itm: 0, lm: 1 } });
    full.loss.backward();
    expect(terms['lm']).toBeCloseTo(full.lossLm!.item(), 6);
    expect(Object.keys(terms).sort()).toEqual(['lm', 'loss']);
    const want = param.grad!.toArray() as number[][];
    grad.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 6)));
  });
});

describe('CapFilt pipeline (fast configuration)', () => {
  // The outputs every stage writes, compared byte for byte between two runs (timings and the
  // trainer's metrics.jsonl, which records throughput, aside; checkpoints repeat the models).
  const compared = (dir: string) => files(dir).filter((f) => !f.endsWith('timings.json') && !f.endsWith('metrics.jsonl') && !f.includes('checkpoints/') && !f.startsWith('report/'));

  it('runs every stage, writes the report, and a rerun into the same directory writes identical files', { timeout: 900_000 }, async () => {
    const a = join(tmp, 'a');
    const log = () => {};
    const first = await runCapFilt(a, CAPFILT_CONFIGS.fast, { log });
    const list = compared(a);
    const bytes = new Map(list.map((f) => [f, readFileSync(join(a, f))]));
    const second = await runCapFilt(a, CAPFILT_CONFIGS.fast, { log });
    expect(compared(a)).toEqual(list);
    for (const f of ['config.json', 'synthetic.jsonl', 'filtered.jsonl', 'evaluation.json', 'results.json', 'data/web.jsonl', 'data/bootstrapped.jsonl', 'data/bootstrapped-beam.jsonl', 'pretrain/model/model.safetensors', 'captioner/model/model.safetensors', 'filter/model/model.safetensors', 'bootstrap/model/model.safetensors']) {
      expect(list).toContain(f);
    }
    for (const f of list) expect(readFileSync(join(a, f)).equals(bytes.get(f)!), f).toBe(true);
    // The rerun replaced, not appended to, what the first run's trainers logged.
    const steps = readFileSync(join(a, 'pretrain', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(second.results).toEqual(first.results);

    const r: CapFiltResults = first.results;
    const c = CAPFILT_CONFIGS.fast.data;
    expect(r.data).toMatchObject({ web: c.web, human: c.human, test: c.test, noisy: Math.round(c.noise * c.web) });
    expect(r.filter.total).toBe(c.web);
    expect(r.bootstrapped.nucleus.human).toBe(c.human);
    expect(Object.keys(r.downstream)).toEqual(['raw', 'bootstrapped', 'bootstrapped-beam']);
    for (const m of ['i2t_R@1', 't2i_R@5', 'ITM_accuracy', 'ITM_subtle_accuracy', 'BLEU-4', 'CIDEr-D', 'captions_correct']) expect(Number.isFinite(r.downstream['raw']![m]), m).toBe(true);
    // The bootstrapped file is an ordinary caption file, each row naming its origin.
    const boot = loadCaptionFile(capfiltPaths(a).bootstrapped);
    expect(boot.images.length).toBe(r.bootstrapped.nucleus.images);
    expect(boot.images.reduce((n, img) => n + img.captions.length, 0)).toBe(r.bootstrapped.nucleus.captions);
    // The report: markdown with the findings, charts and the gallery.
    const md = readFileSync(first.report, 'utf8');
    expect(md).toMatch(/## Findings/);
    expect(md).toMatch(/precision .* and recall /);
    for (const f of ['filter.svg', 'synthetic.svg', 'downstream.svg', 'gallery.png', 'loss-raw.svg']) expect(existsSync(join(a, 'report', f)), f).toBe(true);
  });

  it('glimpse capfilt: --help, one-line errors with exit code 2, and a stage run alone writes what the pipeline wrote', { timeout: 120_000 }, async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => void out.push(x.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...x: unknown[]) => void err.push(x.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['capfilt', '--help'])).toBe(0);
      expect(out.join('\n')).toMatch(/glimpse capfilt \[STAGE\] --out DIR/);
      expect(await main(['capfilt'])).toBe(2);
      expect(await main(['capfilt', 'frobnicate', '--out', tmp])).toBe(2);
      expect(await main(['capfilt', '--out', tmp, '--config', 'huge'])).toBe(2);
      expect(await main(['capfilt', 'pretrain', '--out', join(tmp, 'nothing-here')])).toBe(2);
      expect(await main(['capfilt', 'pretrain', '--out', join(tmp, 'a'), '--seed', '3'])).toBe(2);
      expect(err).toHaveLength(5);
      expect(err.every((l) => l.startsWith('glimpse capfilt') && !l.includes('\n'))).toBe(true);
      const c = join(tmp, 'c');
      expect(await main(['capfilt', 'data', '--out', c, '--config', 'fast'])).toBe(0);
      for (const f of ['config.json', 'data/web.jsonl', 'data/human.jsonl', 'data/test.jsonl', 'data/images/web/00000.png']) {
        expect(readFileSync(join(c, f)).equals(readFileSync(join(tmp, 'a', f))), f).toBe(true);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });
});
