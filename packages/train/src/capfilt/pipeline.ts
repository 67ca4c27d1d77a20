/**
 * CapFilt (BLIP, Li et al. 2022, §3.3) end to end, one function per stage, every stage reading
 * what the previous ones wrote under one output directory, so the stages run one at a time
 * (`glimpse capfilt <stage> --out DIR`) or all together (`runCapFilt`, `glimpse capfilt --out DIR`):
 *
 *   data       the web split with known noise, the clean human split, the clean test split
 *              (capfilt/data.ts) → data/
 *   pretrain   BLIP pre-trained (ITC + ITM + LM) on web + human → pretrain/model. This is also the
 *              baseline "trained on raw web data": the bootstrapped model gets the same budget.
 *   finetune   from it, on the human split: the captioner (λ: LM only) → captioner/model and the
 *              filter (λ: ITC + ITM) → filter/model
 *   caption    one synthetic caption per web image by nucleus sampling (top-p 0.9), and for
 *              comparison by beam search (3 beams) → synthetic.jsonl
 *   filter     ITM P(match) of every web text and synthetic caption; kept when > threshold (0.5)
 *              → filtered.jsonl
 *   bootstrap  human + kept web texts + kept synthetic captions, a dataset file recording each
 *              caption's origin → data/bootstrapped.jsonl (and data/bootstrapped-beam.jsonl, the
 *              same with the beam captions)
 *   retrain    a new BLIP pre-trained from scratch on the bootstrapped set, same size, seed,
 *              vocabulary and budget as the baseline → bootstrap/model (and, when the
 *              configuration asks, bootstrap-beam/model)
 *   evaluate   every model on the clean test split (capfilt/evaluate.ts) → evaluation.json
 *   report     results.json (every figure) and report/ (report.md, charts, gallery)
 *
 * Every stage is seeded from the configuration's seed, so a rerun writes identical files (the
 * timings, timings.json and the trainer's metrics.jsonl with its throughput, aside).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BertTokenizer, BlipImageProcessor, BlipPretrain, caption, itmScore } from '@glimpse/models';
import { Generator } from '@glimpse/tensor';
import { loadCaptionFile } from '../data/caption-files.js';
import type { CaptionDataset } from '../data/dataset.js';
import { imagesInMemory } from '../data/in-memory.js';
import type { CorruptionKind, ShapesItem } from '../data/shapes.js';
import { blipTokenizerFor, createBLIP, pretrainBLIP } from '../recipes/blip-train.js';
import { capfiltPaths, readCapFiltConfig, readTimings, writeJson, type CapFiltConfig } from './config.js';
import { makeCapFiltData, readCapFiltSplit, readJsonl, splitItems, writeCapFiltData, writeJsonl, type CapFiltRow } from './data.js';
import { evaluateCapFiltModel, type CapFiltMetrics } from './evaluate.js';

/** Options every stage takes. */
export interface StageOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

const stderr = (l: string) => process.stderr.write(l + '\n');

/** Adds a stage's wall time to DIR/timings.json. */
function recordTiming(dir: string, stage: string, seconds: number): void {
  const t = readTimings(dir);
  t[stage] = Math.round(seconds * 10) / 10;
  writeJson(capfiltPaths(dir).timings, t);
}

async function timed<T>(dir: string, stage: string, log: (l: string) => void, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  log(`capfilt ${stage}: started`);
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  recordTiming(dir, stage, s);
  log(`capfilt ${stage}: done in ${s.toFixed(1)} s`);
  return out;
}

/** Removes what an earlier run of a stage left at `path`, so a rerun never mixes with it (the trainer appends to metrics.jsonl). */
function fresh(path: string): string {
  rmSync(path, { recursive: true, force: true });
  return path;
}

/** Seeds of the stages, derived from the run's seed so that no two stages share a stream. */
const seeds = (c: CapFiltConfig) => ({ data: c.seed, init: c.seed + 10, order: c.seed + 20, captioner: c.seed + 30, filter: c.seed + 40, nucleus: c.seed + 50, eval: c.seed + 60 });

// ---------------------------------------------------------------------------------------------
// 1. data

/** Stage `data`: writes the three splits and the configuration. */
export async function capfiltData(dir: string, config: CapFiltConfig, o: StageOptions = {}): Promise<void> {
  const log = o.log ?? stderr;
  fresh(capfiltPaths(dir).timings); // a new run starts here
  await timed(dir, 'data', log, () => {
    mkdirSync(dir, { recursive: true });
    writeJson(capfiltPaths(dir).config, config);
    const d = makeCapFiltData({ seed: seeds(config).data, ...config.data });
    writeCapFiltData(fresh(capfiltPaths(dir).data), d);
    const noisy = d.web.filter((it) => it.corruption).length;
    log(`capfilt data: web ${d.web.length} images (${noisy} captions false, ${((100 * noisy) / d.web.length).toFixed(1)}%), human ${d.human.length}, test ${d.test.length}`);
  });
}

/** Datasets of the saved splits, in memory. */
function splits(dir: string) {
  const root = capfiltPaths(dir).data;
  return { web: readCapFiltSplit(root, 'web'), human: readCapFiltSplit(root, 'human'), test: readCapFiltSplit(root, 'test') };
}

function union(name: string, ...sets: CaptionDataset[]): CaptionDataset {
  return { name, issues: [], images: sets.flatMap((s) => s.images) };
}

async function loadModel(dir: string): Promise<{ model: BlipPretrain; tokenizer: BertTokenizer; processor: BlipImageProcessor }> {
  const modelDir = join(dir, 'model');
  if (!existsSync(join(modelDir, 'config.json'))) throw new Error(`capfilt: ${modelDir} is missing; run the stage that trains it first`);
  const model = await BlipPretrain.fromPretrained(modelDir);
  const tokenizer = await BertTokenizer.fromPretrained(modelDir);
  const size = model.config.vision_config.image_size;
  return { model, tokenizer, processor: new BlipImageProcessor({ size: { height: size, width: size } }) };
}

// ---------------------------------------------------------------------------------------------
// 2. pre-train on web + human (the baseline)

/** Pre-trains a fresh BLIP (seeded init) on `train` into `outDir`. */
async function pretrainFresh(config: CapFiltConfig, tokenizer: BertTokenizer, train: CaptionDataset, outDir: string, log: (l: string) => void) {
  const s = seeds(config);
  const { model, processor } = createBLIP(tokenizer, { preset: config.model.preset, imageSize: config.data.imageSize, maxTokens: config.model.maxTokens, patchSize: config.model.patchSize, seed: s.init });
  const { steps, batchSize, lr } = config.pretrain;
  await pretrainBLIP({ model, tokenizer, processor, train, outDir: fresh(outDir), steps, batchSize, lr, maxTokens: config.model.maxTokens, seed: s.order, checkpointEvery: steps, log });
  return model;
}

/** Stage `pretrain`: a WordPiece vocabulary and a BLIP learned from web + human → pretrain/model. */
export async function capfiltPretrain(dir: string, o: StageOptions = {}): Promise<void> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  await timed(dir, 'pretrain', log, async () => {
    const { web, human } = splits(dir);
    const train = union('web+human', web.dataset, human.dataset);
    const tokenizer = blipTokenizerFor(train, config.model.vocabSize);
    await pretrainFresh(config, tokenizer, train, capfiltPaths(dir).pretrain, log);
  });
}

// ---------------------------------------------------------------------------------------------
// 3. fine-tune the captioner and the filter on the human split

/** Stage `finetune`: the captioner (λ: LM) and the filter (λ: ITM, see CAPFILT_CONFIGS), each from the pre-trained model, on the human split. */
export async function capfiltFinetune(dir: string, o: StageOptions = {}): Promise<void> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  const p = capfiltPaths(dir);
  const f = config.finetune;
  await timed(dir, 'finetune', log, async () => {
    const { human } = splits(dir);
    const s = seeds(config);
    for (const [role, outDir, weights, steps, seed, constant] of [
      ['captioner', p.captioner, f.captioner, f.captionerSteps, s.captioner, false],
      ['filter', p.filter, f.filter, f.filterSteps, s.filter, f.filterConstantLr],
    ] as const) {
      log(`capfilt finetune: the ${role} (λ itc ${weights.itc ?? 1}, itm ${weights.itm ?? 1}, lm ${weights.lm ?? 1}), ${steps} steps`);
      const { model, tokenizer, processor } = await loadModel(p.pretrain);
      model.generator.setState(new Generator(seed).getState());
      await pretrainBLIP({
        model, tokenizer, processor, train: human.dataset, outDir: fresh(outDir), steps, batchSize: f.batchSize, lr: f.lr, maxTokens: config.model.maxTokens, seed, weights,
        warmupSteps: Math.min(10, Math.floor(steps / 10)), ...(constant ? { minLr: f.lr } : {}), checkpointEvery: steps, log,
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 4. synthetic captions

/** A row of synthetic.jsonl: the web image and its two synthetic captions. */
export interface SyntheticRow {
  file: string;
  nucleus: string;
  beam: string;
}

/** Stage `caption`: the captioner writes one caption per web image by nucleus sampling (seeded) and one by beam search → synthetic.jsonl. */
export async function capfiltCaption(dir: string, o: StageOptions = {}): Promise<SyntheticRow[]> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  return timed(dir, 'caption', log, async () => {
    const { web } = splits(dir);
    const { model, tokenizer, processor } = await loadModel(capfiltPaths(dir).captioner);
    model.eval();
    const c = config.caption;
    const generator = new Generator(seeds(config).nucleus);
    const shared = { prompt: '', maxLength: c.maxLength, minLength: c.minLength };
    const rows: SyntheticRow[] = [];
    const images = web.dataset.images;
    for (let s = 0; s < images.length; s += c.batchSize) {
      const chunk = images.slice(s, s + c.batchSize);
      const { pixelValues } = processor.process(chunk.map((img) => (img.ref as { image: ShapesItem['image'] }).image));
      const nucleus = caption(model, pixelValues, tokenizer, { ...shared, sample: true, topP: c.topP, generator });
      const beam = caption(model, pixelValues, tokenizer, { ...shared, numBeams: c.numBeams });
      chunk.forEach((img, i) => rows.push({ file: img.id, nucleus: nucleus[i]!, beam: beam[i]! }));
      log(`capfilt caption: ${Math.min(s + c.batchSize, images.length)}/${images.length} web images`);
    }
    writeJsonl(capfiltPaths(dir).synthetic, rows);
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------
// 5. filter

/** One caption's verdict. */
export interface Verdict {
  caption: string;
  /** ITM P(match) under the filter. */
  p: number;
  keep: boolean;
}

/** A row of filtered.jsonl: a web image's web text and synthetic captions with the filter's verdicts. */
export interface FilteredRow {
  file: string;
  web: Verdict & { noise: CorruptionKind | null };
  nucleus: Verdict;
  beam: Verdict;
}

/** Stage `filter`: ITM P(match) of each web text and synthetic caption under the filter; kept when > threshold → filtered.jsonl. */
export async function capfiltFilter(dir: string, o: StageOptions = {}): Promise<FilteredRow[]> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  return timed(dir, 'filter', log, async () => {
    const { web } = splits(dir);
    const synthetic = readJsonl<SyntheticRow>(capfiltPaths(dir).synthetic);
    if (synthetic.length !== web.rows.length) throw new Error(`capfilt filter: synthetic.jsonl has ${synthetic.length} rows for ${web.rows.length} web images; rerun the caption stage`);
    const { model, tokenizer, processor } = await loadModel(capfiltPaths(dir).filter);
    model.eval();
    const batch = config.caption.batchSize;
    const rows: FilteredRow[] = [];
    const verdict = (caption: string, p: number): Verdict => ({ caption, p: Math.round(p * 1e6) / 1e6, keep: p > config.threshold });
    for (let s = 0; s < web.rows.length; s += batch) {
      const idx = Array.from({ length: Math.min(batch, web.rows.length - s) }, (_, j) => s + j);
      const { pixelValues } = processor.process(idx.map((i) => (web.dataset.images[i]!.ref as { image: ShapesItem['image'] }).image));
      const score = (texts: string[]) => itmScore(model, pixelValues, texts, tokenizer, { firstTokenId: tokenizer.encId, maxLength: config.model.maxTokens });
      const pWeb = score(idx.map((i) => web.rows[i]!.caption));
      const pNucleus = score(idx.map((i) => synthetic[i]!.nucleus));
      const pBeam = score(idx.map((i) => synthetic[i]!.beam));
      idx.forEach((i, j) => {
        const r = web.rows[i]!;
        rows.push({ file: r.file, web: { ...verdict(r.caption, pWeb[j]!), noise: r.noise ?? null }, nucleus: verdict(synthetic[i]!.nucleus, pNucleus[j]!), beam: verdict(synthetic[i]!.beam, pBeam[j]!) });
      });
    }
    writeJsonl(capfiltPaths(dir).filtered, rows);
    const kept = (k: 'web' | 'nucleus' | 'beam') => rows.filter((r) => r[k].keep).length;
    log(`capfilt filter: kept ${kept('web')} web texts, ${kept('nucleus')} nucleus and ${kept('beam')} beam captions of ${rows.length}`);
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------
// 6. the bootstrapped dataset

/** A row of a bootstrapped dataset file: a caption of an image and where the caption came from. */
export interface BootstrappedRow {
  file: string;
  caption: string;
  origin: 'human' | 'web' | 'synthetic';
  /** The filter's P(match) (web and synthetic captions). */
  p?: number;
}

/** The bootstrapped rows: every human pair, then per web image its kept web text and its kept synthetic caption. */
export function bootstrappedRows(human: readonly CapFiltRow[], filtered: readonly FilteredRow[], synthetic: 'nucleus' | 'beam'): BootstrappedRow[] {
  const rows: BootstrappedRow[] = human.map((r) => ({ file: r.file, caption: r.caption, origin: 'human' }));
  for (const f of filtered) {
    if (f.web.keep) rows.push({ file: f.file, caption: f.web.caption, origin: 'web', p: f.web.p });
    if (f[synthetic].keep) rows.push({ file: f.file, caption: f[synthetic].caption, origin: 'synthetic', p: f[synthetic].p });
  }
  return rows;
}

/** Stage `bootstrap`: writes data/bootstrapped.jsonl (nucleus) and data/bootstrapped-beam.jsonl, loadable by `loadCaptionFile` / `glimpse train --data`. */
export async function capfiltBootstrap(dir: string, o: StageOptions = {}): Promise<void> {
  const log = o.log ?? stderr;
  await timed(dir, 'bootstrap', log, () => {
    const p = capfiltPaths(dir);
    const human = readJsonl<CapFiltRow>(join(p.data, 'human.jsonl'));
    const filtered = readJsonl<FilteredRow>(p.filtered);
    for (const [kind, path] of [['nucleus', p.bootstrapped], ['beam', p.bootstrappedBeam]] as const) {
      const rows = bootstrappedRows(human, filtered, kind);
      writeJsonl(path, rows);
      const count = (origin: string) => rows.filter((r) => r.origin === origin).length;
      log(`capfilt bootstrap (${kind}): ${rows.length} captions: ${count('human')} human, ${count('web')} web, ${count('synthetic')} synthetic, of ${new Set(rows.map((r) => r.file)).size} images`);
    }
  });
}

/** A bootstrapped dataset file read as a dataset (images in memory). */
export function loadBootstrapped(path: string): CaptionDataset {
  return imagesInMemory(loadCaptionFile(path, { name: 'bootstrapped' }));
}

// ---------------------------------------------------------------------------------------------
// 7. pre-train a new model on the bootstrapped set

/** Stage `retrain`: a new BLIP from scratch on the bootstrapped set (and the beam one when configured), the baseline's vocabulary, seed and budget. */
export async function capfiltRetrain(dir: string, o: StageOptions = {}): Promise<void> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  const p = capfiltPaths(dir);
  await timed(dir, 'retrain', log, async () => {
    const tokenizer = await BertTokenizer.fromPretrained(join(p.pretrain, 'model'));
    const runs = [[p.bootstrapped, p.bootstrap]] as [string, string][];
    if (config.beamModel) runs.push([p.bootstrappedBeam, p.bootstrapBeam]);
    for (const [data, outDir] of runs) {
      log(`capfilt retrain: ${data}`);
      await pretrainFresh(config, tokenizer, loadBootstrapped(data), outDir, log);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 8. evaluate

/** The models compared: name → directory (under DIR). */
export function capfiltModels(config: CapFiltConfig): Record<string, string> {
  return { raw: 'pretrain', bootstrapped: 'bootstrap', ...(config.beamModel ? { 'bootstrapped-beam': 'bootstrap-beam' } : {}) };
}

/** evaluation.json: each model's test metrics and the captions it wrote for the test images. */
export interface CapFiltEvaluation {
  models: Record<string, { metrics: CapFiltMetrics; captions: string[] }>;
}

/** Stage `evaluate`: every model on the clean test split → evaluation.json. */
export async function capfiltEvaluate(dir: string, o: StageOptions = {}): Promise<CapFiltEvaluation> {
  const log = o.log ?? stderr;
  const config = readCapFiltConfig(dir);
  return timed(dir, 'evaluate', log, async () => {
    const { test } = splits(dir);
    const items = splitItems(test);
    const out: CapFiltEvaluation = { models: {} };
    for (const [name, sub] of Object.entries(capfiltModels(config))) {
      const { model, tokenizer, processor } = await loadModel(join(dir, sub));
      const r = evaluateCapFiltModel(model, tokenizer, processor, { dataset: test.dataset, rows: test.rows, items }, { seed: seeds(config).eval, colors: config.data.colors, shapes: config.data.shapes });
      out.models[name] = r;
      log(`capfilt evaluate ${name}: ${Object.entries(r.metrics).filter(([k]) => !k.startsWith('chance')).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ')}`);
    }
    writeJson(capfiltPaths(dir).evaluation, out);
    return out;
  });
}
