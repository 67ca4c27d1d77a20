/**
 * CapFilt's results and report: every figure computed from the files the stages wrote
 * (results.json, identical on a rerun) and a report directory (`writeReport`): the metrics
 * table, charts of the filter, of nucleus vs beam captions and of the downstream metrics raw vs
 * bootstrapped, the loss curves, and a gallery of web images with their web text, synthetic
 * captions and the filter's verdicts. The findings are stated from the numbers, whatever their sign.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readImage, writeFileAtomic } from '@glimpse/models/node';
import type { CorruptionKind } from '../data/shapes.js';
import { barChartSvg, type BarDatum } from '../report/charts.js';
import { captionGallery, type CaptionGalleryItem } from '../report/gallery.js';
import { writeReport, type CurvesSection, type MetricRow } from '../report/report.js';
import { captionTruth, readJsonl, type CapFiltRow } from './data.js';
import { captionDiversity, filterScore, type FilterScore } from './measures.js';
import { capfiltPaths, readCapFiltConfig, readJson, readTimings, type CapFiltConfig } from './config.js';
import type { BootstrappedRow, CapFiltEvaluation, FilteredRow } from './pipeline.js';

/** Synthetic captions of one decoding method, measured. */
export interface SyntheticStats {
  /** BLIP's noise ratio: the share the filter removes. */
  filterNoiseRatio: number;
  /** The share false of the scene (known here), and the shares true-but-incomplete and true. */
  trueNoiseRatio: number;
  partial: number;
  correct: number;
  diversity: ReturnType<typeof captionDiversity>;
  /** Mean length in words. */
  words: number;
}

/** Everything measured in a CapFilt run (results.json). */
export interface CapFiltResults {
  config: CapFiltConfig;
  data: { web: number; human: number; test: number; noisy: number; noiseRate: number; byKind: Partial<Record<CorruptionKind, number>>; falseShare: number };
  /** The filter on the web texts against the injected noise. */
  filter: FilterScore & { threshold: number };
  /** The same at other thresholds (what the default 0.5 trades). */
  filterSweep: { threshold: number; precision: number; recall: number; cleanKept: number; removed: number }[];
  synthetic: { nucleus: SyntheticStats; beam: SyntheticStats };
  /** The bootstrapped sets; falseShare: their captions false of the scene (raw web + human: `data.falseShare`). */
  bootstrapped: Record<'nucleus' | 'beam', { captions: number; images: number; human: number; web: number; synthetic: number; falseShare: number }>;
  /** Test metrics by model (raw, bootstrapped, bootstrapped-beam). */
  downstream: Record<string, Record<string, number>>;
}

function syntheticStats(filtered: readonly FilteredRow[], web: readonly CapFiltRow[], kind: 'nucleus' | 'beam'): SyntheticStats {
  const captions = filtered.map((f) => f[kind].caption);
  const truth = captions.map((c, i) => captionTruth(c, web[i]!.scene));
  const share = (t: string) => truth.filter((x) => x === t).length / truth.length;
  return {
    filterNoiseRatio: filtered.filter((f) => !f[kind].keep).length / filtered.length,
    trueNoiseRatio: share('wrong'),
    partial: share('partial'),
    correct: share('correct'),
    diversity: captionDiversity(captions),
    words: captions.reduce((s, c) => s + c.split(/\s+/).filter(Boolean).length, 0) / captions.length,
  };
}

/** Computes results.json from a finished run's files. */
export function capfiltResults(dir: string): CapFiltResults {
  const p = capfiltPaths(dir);
  const config = readCapFiltConfig(dir);
  const web = readJsonl<CapFiltRow>(join(p.data, 'web.jsonl'));
  const filtered = readJsonl<FilteredRow>(p.filtered);
  const evaluation = readJson<CapFiltEvaluation>(p.evaluation, 'report');
  const byKind: Partial<Record<CorruptionKind, number>> = {};
  for (const r of web) if (r.noise) byKind[r.noise] = (byKind[r.noise] ?? 0) + 1;
  const noisy = web.filter((r) => r.noise).length;
  const human = readJsonl<CapFiltRow>(join(p.data, 'human.jsonl'));
  const scenes = new Map([...web, ...human].map((r) => [r.file, r.scene]));
  const falseShare = (rows: readonly { file: string; caption: string }[]) => rows.filter((r) => captionTruth(r.caption, scenes.get(r.file)!) === 'wrong').length / rows.length;
  const boot = (path: string) => {
    const rows = readJsonl<BootstrappedRow>(path);
    const count = (o: string) => rows.filter((r) => r.origin === o).length;
    return { captions: rows.length, images: new Set(rows.map((r) => r.file)).size, human: count('human'), web: count('web'), synthetic: count('synthetic'), falseShare: falseShare(rows) };
  };
  return {
    config,
    data: { web: web.length, human: config.data.human, test: config.data.test, noisy, noiseRate: noisy / web.length, byKind, falseShare: falseShare([...web, ...human]) },
    filter: { ...filterScore(filtered.map((f) => f.web.noise), filtered.map((f) => f.web.keep)), threshold: config.threshold },
    filterSweep: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((threshold) => {
      const s = filterScore(filtered.map((f) => f.web.noise), filtered.map((f) => f.web.p > threshold));
      return { threshold, precision: s.precision, recall: s.recall, cleanKept: s.cleanKept, removed: s.removed / s.total };
    }),
    synthetic: { nucleus: syntheticStats(filtered, web, 'nucleus'), beam: syntheticStats(filtered, web, 'beam') },
    bootstrapped: { nucleus: boot(p.bootstrapped), beam: boot(p.bootstrappedBeam) },
    downstream: Object.fromEntries(Object.entries(evaluation.models).map(([k, v]) => [k, v.metrics])),
  };
}

/** The downstream metrics compared, higher is better for all. */
export const DOWNSTREAM_METRICS = ['i2t_R@1', 'i2t_R@5', 't2i_R@1', 't2i_R@5', 'mean_recall', 'ITM_accuracy', 'ITM_pairwise', 'ITM_subtle_accuracy', 'ITM_subtle_pairwise', 'BLEU-4', 'CIDEr-D', 'captions_correct'] as const;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The findings in words, from the numbers (whatever their sign). */
export function capfiltFindings(r: CapFiltResults): string[] {
  const f = r.filter;
  const out: string[] = [];
  out.push(
    `Filter on the web texts: precision ${pct(f.precision)} and recall ${pct(f.recall)} at removing the injected noise (noise rate ${pct(f.noiseRate)}, the precision of removing at random); ` +
      `it keeps ${pct(f.cleanKept)} of the clean texts. Recall by kind: ${Object.entries(f.byKind).map(([k, v]) => `${k} ${pct(v!.recall)}`).join(', ')}. ` +
      (f.precision > 1.5 * f.noiseRate && f.recall > f.noiseRate ? 'Both are well above the noise rate.' : 'This is not well above the noise rate: the filter is weak at this scale.'),
  );
  const n = r.synthetic.nucleus;
  const b = r.synthetic.beam;
  out.push(
    `Synthetic captions: nucleus sampling has a noise ratio (share the filter removes) of ${pct(n.filterNoiseRatio)} vs ${pct(b.filterNoiseRatio)} for beam search; truly false of the scene ${pct(n.trueNoiseRatio)} vs ${pct(b.trueNoiseRatio)}; ` +
      `diversity distinct-2 ${n.diversity.distinct2.toFixed(3)} vs ${b.diversity.distinct2.toFixed(3)}, distinct captions ${pct(n.diversity.uniqueCaptions)} vs ${pct(b.diversity.uniqueCaptions)}. ` +
      (n.filterNoiseRatio > b.filterNoiseRatio && n.diversity.distinct2 > b.diversity.distinct2
        ? 'As in the paper, nucleus captions are noisier and more diverse.'
        : 'Unlike the paper, nucleus captions are not both noisier and more diverse here.'),
  );
  const bn = r.bootstrapped.nucleus;
  const bb = r.bootstrapped.beam;
  const weakest = Object.entries(f.byKind).sort((x, y) => x[1]!.recall - y[1]!.recall).slice(0, 2).map(([k, v]) => `${k} ${pct(v!.recall)}`);
  out.push(
    `Training captions false of their scene: ${pct(bn.falseShare)} of the bootstrapped set (nucleus; beam ${pct(bb.falseShare)}) against ${pct(r.data.falseShare)} of the raw web + human data. ` +
      (bn.falseShare < r.data.falseShare
        ? 'Bootstrapping made the training data cleaner.'
        : `Bootstrapping made the training data noisier: ${pct(n.trueNoiseRatio)} of the nucleus captions are false and the filter passes most of the errors it cannot see (lowest recall: ${weakest.join(', ')}).`),
  );
  const raw = r.downstream['raw'];
  const boot = r.downstream['bootstrapped'];
  if (raw && boot) {
    const better = DOWNSTREAM_METRICS.filter((m) => boot[m]! > raw[m]!);
    const worse = DOWNSTREAM_METRICS.filter((m) => boot[m]! < raw[m]!);
    const fmt = (v: number) => (Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
    out.push(
      `Downstream (clean test split): the model pre-trained on the bootstrapped data beats the one pre-trained on raw web data on ${better.length} of ${DOWNSTREAM_METRICS.length} metrics` +
        (better.length ? ` (${better.join(', ')})` : '') +
        (worse.length ? ` and is worse on ${worse.join(', ')}` : '') +
        ` (raw → bootstrapped: ${DOWNSTREAM_METRICS.map((m) => `${m} ${fmt(raw[m]!)} → ${fmt(boot[m]!)}`).join(', ')}). The paper reports that bootstrapping improves every downstream metric; ` +
        (worse.length === 0 && better.length === DOWNSTREAM_METRICS.length ? 'Glimpse reproduces that at this scale.' : worse.length === 0 ? 'Glimpse reproduces the direction where the metrics move.' : 'Glimpse does not reproduce all of it at this scale.'),
    );
  }
  const beam = r.downstream['bootstrapped-beam'];
  if (boot && beam) {
    const better = DOWNSTREAM_METRICS.filter((m) => boot[m]! > beam[m]!);
    out.push(
      `Nucleus vs beam downstream: bootstrapping with nucleus captions beats bootstrapping with beam captions on ${better.length} of ${DOWNSTREAM_METRICS.length} metrics` +
        (better.length ? ` (${better.join(', ')})` : '') +
        `; the paper finds nucleus better on every metric despite its higher noise ratio.`,
    );
  }
  return out;
}

/** Picks gallery images: up to `per` web images each caught noise, missed noise, kept clean, removed clean (in file order). */
function galleryRows(filtered: readonly FilteredRow[], per: number): number[] {
  const groups: number[][] = [[], [], [], []];
  filtered.forEach((f, i) => {
    const g = f.web.noise ? (f.web.keep ? 1 : 0) : f.web.keep ? 2 : 3;
    if (groups[g]!.length < per) groups[g]!.push(i);
  });
  return groups.flat();
}

/** Writes results.json and the report directory; returns the results and the report's path. */
export async function capfiltReport(dir: string, o: { log?: (l: string) => void } = {}): Promise<{ results: CapFiltResults; report: string }> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const p = capfiltPaths(dir);
  const results = capfiltResults(dir);
  writeFileAtomic(p.results, new TextEncoder().encode(JSON.stringify(results, null, 1) + '\n'));
  const c = results.config;
  const f = results.filter;
  const rows: MetricRow[] = [];
  rows.push({ group: 'filter (web texts)', name: 'precision', value: f.precision, baseline: f.noiseRate, note: 'removed that were noisy; baseline: the noise rate' });
  rows.push({ group: 'filter (web texts)', name: 'recall', value: f.recall, baseline: f.noiseRate, note: 'noisy that were removed; baseline: removing that share at random' });
  rows.push({ group: 'filter (web texts)', name: 'clean texts kept', value: f.cleanKept });
  for (const [k, v] of Object.entries(f.byKind)) rows.push({ group: 'filter (web texts)', name: `recall: ${k}`, value: v!.recall, note: `${v!.removed}/${v!.count}` });
  for (const kind of ['nucleus', 'beam'] as const) {
    const s = results.synthetic[kind];
    const g = `synthetic: ${kind}`;
    rows.push({ group: g, name: 'noise ratio (filter removes)', value: s.filterNoiseRatio });
    rows.push({ group: g, name: 'false of the scene', value: s.trueNoiseRatio, note: `true ${pct(s.correct)}, true but incomplete ${pct(s.partial)}` });
    rows.push({ group: g, name: 'distinct-1 / -2 / -3', value: `${s.diversity.distinct1.toFixed(3)} / ${s.diversity.distinct2.toFixed(3)} / ${s.diversity.distinct3.toFixed(3)}` });
    rows.push({ group: g, name: 'distinct captions', value: s.diversity.uniqueCaptions, note: `mean ${s.words.toFixed(1)} words` });
  }
  const models = Object.keys(results.downstream);
  const raw = results.downstream['raw']!;
  for (const m of [...DOWNSTREAM_METRICS, 'BLEU-1', 'ITM_rejects_color', 'ITM_rejects_relation', 'ITM_rejects_object']) {
    for (const model of models) {
      const v = results.downstream[model]![m];
      if (v === undefined) continue;
      const chance = m.includes('R@') ? raw[`chance_R@${m.split('@')[1]}`] : m.startsWith('ITM_') && (m.endsWith('accuracy') || m.endsWith('pairwise')) ? 0.5 : undefined;
      rows.push({ group: `test: ${m}`, name: model, value: v, ...(chance !== undefined ? { baseline: chance } : {}) });
    }
  }
  const bars = (list: { category: string; series: string; value: number }[]): BarDatum[] => list;
  const filterChart = await barChartSvg(
    bars([
      { category: 'precision', series: 'filter', value: f.precision },
      { category: 'precision', series: 'random removal (noise rate)', value: f.noiseRate },
      { category: 'recall', series: 'filter', value: f.recall },
      { category: 'recall', series: 'random removal (noise rate)', value: f.noiseRate },
      ...Object.entries(f.byKind).map(([k, v]) => ({ category: `recall: ${k}`, series: 'filter', value: v!.recall })),
    ]),
    { title: `the filter on ${f.total} web texts (${f.noisy} noisy)`, domain: [0, 1] },
  );
  const sweepChart = await barChartSvg(
    bars(results.filterSweep.flatMap((t) => [
      { category: `P(match) > ${t.threshold}`, series: 'precision', value: Number.isFinite(t.precision) ? t.precision : 0 },
      { category: `P(match) > ${t.threshold}`, series: 'recall', value: t.recall },
      { category: `P(match) > ${t.threshold}`, series: 'clean texts kept', value: t.cleanKept },
    ])),
    { title: `the filter at other thresholds (noise rate ${f.noiseRate.toFixed(2)})`, domain: [0, 1], seriesOrder: ['precision', 'recall', 'clean texts kept'] },
  );
  const syn = results.synthetic;
  const synChart = await barChartSvg(
    bars(
      (['nucleus', 'beam'] as const).flatMap((k) => [
        { category: 'noise ratio (filter)', series: k, value: syn[k].filterNoiseRatio },
        { category: 'false of the scene', series: k, value: syn[k].trueNoiseRatio },
        { category: 'distinct-1', series: k, value: syn[k].diversity.distinct1 },
        { category: 'distinct-2', series: k, value: syn[k].diversity.distinct2 },
        { category: 'distinct-3', series: k, value: syn[k].diversity.distinct3 },
        { category: 'distinct captions', series: k, value: syn[k].diversity.uniqueCaptions },
      ]),
    ),
    { title: 'synthetic captions: nucleus sampling vs beam search', domain: [0, 1], seriesOrder: ['nucleus', 'beam'] },
  );
  const downChart = await barChartSvg(
    bars(DOWNSTREAM_METRICS.filter((m) => m !== 'CIDEr-D').flatMap((m) => models.map((model) => ({ category: m, series: model, value: results.downstream[model]![m]! })))),
    { title: 'clean test split: pre-trained on raw web vs bootstrapped data', domain: [0, 1], seriesOrder: models },
  );
  const filtered = readJsonl<FilteredRow>(p.filtered);
  const web = readJsonl<CapFiltRow>(join(p.data, 'web.jsonl'));
  const verdict = (v: { keep: boolean; p: number }) => `${v.keep ? 'KEEP' : 'CUT'} ${v.p.toFixed(2)}`;
  const items: CaptionGalleryItem[] = galleryRows(filtered, 3).map((i) => {
    const fr = filtered[i]!;
    const w = web[i]!;
    return {
      image: readImage(join(p.data, fr.file)),
      label: `web #${i}: ${fr.web.noise ? `noisy (${fr.web.noise})` : 'clean'}`,
      generated: [
        { label: `web ${verdict(fr.web)}`, text: fr.web.caption },
        { label: `nucleus ${verdict(fr.nucleus)}`, text: fr.nucleus.caption },
        { label: `beam ${verdict(fr.beam)}`, text: fr.beam.caption },
      ],
      references: [w.original ?? w.caption],
    };
  });
  const timings = readTimings(dir);
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  const curves: CurvesSection[] = [
    { name: 'loss-raw', source: join(p.pretrain, 'metrics.jsonl'), title: 'pre-training on raw web + human data (the baseline)', terms: ['itc', 'itm', 'lm'] },
    { name: 'loss-captioner', source: join(p.captioner, 'metrics.jsonl'), title: 'fine-tuning the captioner (LM) on human data', terms: ['lm'] },
    { name: 'loss-filter', source: join(p.filter, 'metrics.jsonl'), title: 'fine-tuning the filter on human data', terms: ['itc', 'itm'] },
    { name: 'loss-bootstrapped', source: join(p.bootstrap, 'metrics.jsonl'), title: 'pre-training on the bootstrapped data', terms: ['itc', 'itm', 'lm'] },
  ];
  const b = results.bootstrapped;
  const findings = capfiltFindings(results);
  const report = await writeReport(p.report, {
    title: 'CapFilt on shapes with known noise: does bootstrapping the captions help?',
    summary: [
      `A "web" split of ${results.data.web} seeded shapes scenes (${c.data.imageSize}×${c.data.imageSize} px; colours ${c.data.colors.join(', ')}; shapes ${c.data.shapes.join(', ')}) whose captions are ${pct(results.data.noiseRate)} false: ` +
        `${Object.entries(results.data.byKind).map(([k, v]) => `${k} ${v}`).join(', ')} (swap: another item's caption; color / relation / object: one attribute changed), a clean "human" split of ${c.data.human} and a clean test split of ${c.data.test} that nothing trains on.`,
      `BLIP (${c.model.preset} preset, patch ${c.model.patchSize}) pre-trained ${c.pretrain.steps} steps of batch ${c.pretrain.batchSize} on web + human (the baseline), captioner (λ LM) fine-tuned ${c.finetune.captionerSteps} and filter (λ itc ${c.finetune.filter.itc ?? 1}, itm ${c.finetune.filter.itm ?? 1}) ${c.finetune.filterSteps} steps on the human split, ` +
        `synthetic captions by nucleus sampling (top-p ${c.caption.topP}) and beam search (${c.caption.numBeams} beams), filter threshold P(match) > ${c.threshold}. ` +
        `Bootstrapped set: ${b.nucleus.captions} captions of ${b.nucleus.images} images (${b.nucleus.human} human, ${b.nucleus.web} web, ${b.nucleus.synthetic} synthetic); a new BLIP pre-trained on it with the same size, seed, vocabulary and budget.`,
      `Configuration '${c.name}', seed ${c.seed}. Wall time ${(total / 60).toFixed(1)} min on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}; by stage: ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}.`,
      '## Findings',
      findings.map((l) => `- ${l}`).join('\n'),
    ].join('\n\n'),
    metrics: rows,
    baselineTitle: 'chance / baseline',
    charts: [
      { name: 'filter', title: 'The filter against the injected noise', svg: filterChart, caption: 'Precision and recall of removing noisy web texts (ITM P(match) ≤ threshold), beside removing the same share at random.' },
      { name: 'filter-thresholds', title: 'The filter at other thresholds', svg: sweepChart, caption: 'The same filter keeping a web text when P(match) > t: a lower threshold removes less, more precisely. BLIP uses 0.5.' },
      { name: 'synthetic', title: 'Synthetic captions: noise and diversity', svg: synChart, caption: "Noise ratio as BLIP defines it (the share the filter removes) and as the scenes tell it (false of the image); distinct-n = distinct n-grams / all n-grams over the set." },
      { name: 'downstream', title: 'Downstream: raw web vs bootstrapped', svg: downChart, caption: 'Each model pre-trained from scratch with the same budget, evaluated on the clean test split (CIDEr-D is in the table).' },
    ],
    curves: curves.filter((cv) => existsSync(cv.source as string)),
    galleries: [
      {
        name: 'gallery',
        title: 'Web images: web text, synthetic captions and the filter',
        image: captionGallery(items, { title: 'web images: what the filter kept (KEEP) and cut (CUT), with ITM P(match)', legend: { generated: 'web text, nucleus and beam captions', reference: 'ref: what the image shows' }, columns: 4, captionChars: 30, maxLines: 2, maxReferences: 1 }),
        caption: 'Rows: noisy web texts the filter removed, noisy ones it kept, clean ones kept, clean ones removed. Each image: the web text, the nucleus and the beam caption with the verdict (KEEP/CUT and P(match)); ref: what the image shows (the true caption).',
      },
    ],
    notes: [
      'Noise ratio (BLIP): share of captions the filter removes. False of the scene: checked against the recorded scene; "incomplete" = a two-object scene described by one of its objects.',
      'Retrieval uses ITC cosine over the whole test split, pessimistic ties; scenes with one object repeat their caption, which caps R@1 for them (chance = K/N).',
      'ITM accuracy: own caption vs another image\'s (as evaluateBLIP); subtle: own caption vs the same caption with one colour, the relation or one shape changed.',
      `Files: ${p.data} (splits, bootstrapped.jsonl with each caption's origin), ${p.synthetic}, ${p.filtered}, ${p.results}.`,
    ],
  });
  log(`capfilt report: ${report.markdown}`);
  for (const l of findings) log(`  ${l}`);
  return { results, report: report.markdown };
}

