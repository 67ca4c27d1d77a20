import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSvg, svgGroups, svgPaths, svgTexts } from '../testing/svg.js';
import { barChartSvg, lossCurvesSvg, lossSeries, readMetricsJsonl, type MetricsEntry } from './charts.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-charts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const [groups, texts, paths] = [svgGroups, svgTexts, svgPaths];

/** A log in the format `train` writes: a line per logged step, one per evaluation. */
function trainingLog(steps: number, every: number, evalEvery: number): MetricsEntry[] {
  const out: MetricsEntry[] = [];
  for (let step = every; step <= steps; step += every) {
    out.push({ step, epoch: Math.floor(step / 50), lr: 1e-3, loss: 4 * Math.exp(-step / 80) + 0.3, lossItc: 2 * Math.exp(-step / 60), lossItm: 0.69, gradNorm: 1.5, stepsPerSecond: 2.5, samplesPerSecond: 80 });
    if (step % evalEvery === 0) out.push({ step, eval: { 'R@1': step / 1000, 'R@10': step / 400 } });
  }
  return out;
}

describe('readMetricsJsonl / lossSeries', () => {
  it('reads the trainer log, skipping a last line cut short by a kill, and names a bad line elsewhere', () => {
    const file = join(tmp, 'cut.jsonl');
    writeFileSync(file, '{"step":1,"loss":2}\n\n{"step":2,"loss":1.5}\n{"step":3,"lo');
    expect(readMetricsJsonl(file).map((e) => e.step)).toEqual([1, 2]);
    writeFileSync(file, '{"step":1,"loss":2}\n{"step":2,"lo\n{"step":3,"loss":1}\n');
    expect(() => readMetricsJsonl(file)).toThrow(`readMetricsJsonl: ${file}:2:`);
    writeFileSync(file, '{"loss":2}\n');
    expect(() => readMetricsJsonl(file)).toThrow(/:1: expected an object with a numeric "step"/);
  });

  it('takes the loss* terms by default, leaves out bookkeeping, and keeps the last value of a step logged twice (resume)', () => {
    const log: MetricsEntry[] = [
      { step: 10, epoch: 0, lr: 1, loss: 3, lossItc: 2, scale: 14, stepsPerSecond: 9 },
      { step: 20, epoch: 0, lr: 1, loss: 2.5, lossItc: 1.8, scale: 15, stepsPerSecond: 9 },
      { step: 20, eval: { r10: 0.2 } },
      // Resumed from the checkpoint at step 10: steps 20.. are logged again.
      { step: 20, epoch: 0, lr: 1, loss: 2.4, lossItc: 1.7, scale: 15, stepsPerSecond: 9 },
      { step: 30, epoch: 0, lr: 1, loss: 2, lossItc: 1.5, scale: 16, stepsPerSecond: 9 },
      { step: 30, eval: { r10: 0.3, bleu4: 0.1 } },
    ];
    const s = lossSeries(log);
    expect(s.steps.filter((r) => r.term === 'loss').map((r) => [r.step, r.value])).toEqual([[10, 3], [20, 2.4], [30, 2]]);
    expect(new Set(s.steps.map((r) => r.term))).toEqual(new Set(['loss', 'lossItc']));
    expect(s.evals).toEqual([{ step: 20, metric: 'r10', value: 0.2 }, { step: 30, metric: 'r10', value: 0.3 }, { step: 30, metric: 'bleu4', value: 0.1 }]);
    // With no loss* keys, every numeric term but the bookkeeping ones.
    expect(new Set(lossSeries([{ step: 1, lr: 1, epoch: 0, ce: 2, acc: 0.5, stepsPerSecond: 3 }]).steps.map((r) => r.term))).toEqual(new Set(['ce', 'acc']));
    expect(lossSeries(log, { terms: ['scale'], evalMetrics: ['bleu4'] })).toEqual({
      steps: [{ step: 10, term: 'scale', value: 14 }, { step: 20, term: 'scale', value: 15 }, { step: 30, term: 'scale', value: 16 }],
      evals: [{ step: 30, metric: 'bleu4', value: 0.1 }],
    });
  });
});

describe('lossCurvesSvg', () => {
  it('draws one line per loss term against step and the evaluations as points on a second chart', async () => {
    const file = join(tmp, 'metrics.jsonl');
    const log = trainingLog(300, 10, 100);
    writeFileSync(file, log.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const doc = parseSvg(await lossCurvesSvg(file, { title: 'tiny CLIP' }));
    const root = doc.documentElement!;
    expect(Number(root.getAttribute('width'))).toBeGreaterThan(520);
    expect(Number(root.getAttribute('height'))).toBeGreaterThan(220 + 176);

    // Chart 1: three lines (loss, lossItc, lossItm), each one path through all 30 logged steps.
    const lines = paths(doc, 'mark-line', 'concat_0_marks');
    expect(lines).toHaveLength(3);
    for (const p of lines) expect(p.getAttribute('d')!.match(/L/g)).toHaveLength(29);
    expect(texts(doc, 'role-legend-label').slice(0, 3)).toEqual(['loss', 'lossItc', 'lossItm']);

    // Chart 2: R@1 and R@10 at steps 100, 200, 300 as 6 points (and a thin line per metric).
    expect(paths(doc, 'mark-symbol', 'concat_1_layer_1_marks')).toHaveLength(6);
    expect(paths(doc, 'mark-line', 'concat_1_layer_0_marks')).toHaveLength(2);
    expect(texts(doc, 'role-legend-label').slice(3)).toEqual(['R@1', 'R@10']);

    expect(texts(doc, 'role-axis-title')).toEqual(['step', 'loss', 'step', 'metric']);
    expect(texts(doc, 'role-title-text').sort()).toEqual(['evaluation', 'tiny CLIP', 'training loss']);
  });

  it('draws only the loss chart when the log has no evaluations, and only the asked terms', async () => {
    const doc = parseSvg(await lossCurvesSvg(trainingLog(100, 10, 1000), { terms: ['loss', 'gradNorm'] }));
    expect(paths(doc, 'mark-line', 'concat_0_marks')).toHaveLength(2);
    expect(groups(doc, 'concat_1_group')).toHaveLength(0);
    expect(texts(doc, 'role-legend-label')).toEqual(['gradNorm', 'loss']);
    await expect(lossCurvesSvg(trainingLog(100, 10, 1000), { terms: ['nope'] })).rejects.toThrow(/lossCurvesSvg: the entries hold no values of the terms nope/);
  });
});

describe('barChartSvg', () => {
  it('draws grouped bars (chance vs achieved) with their values, categories and series', async () => {
    const bars = [
      { category: 'R@1 text→image', series: 'chance', value: 0.0005 },
      { category: 'R@1 text→image', series: 'achieved', value: 0.12 },
      { category: 'R@10 text→image', series: 'chance', value: 0.005 },
      { category: 'R@10 text→image', series: 'achieved', value: 0.41 },
    ];
    const doc = parseSvg(await barChartSvg(bars, { title: 'retrieval', domain: [0, 1], valueTitle: 'recall' }));
    const rects = paths(doc, 'mark-rect', 'role-mark');
    expect(rects).toHaveLength(4);
    expect(rects.map((r) => r.getAttribute('aria-label'))).toEqual(bars.map((b) => `recall: ${b.value}; category: ${b.category}; series: ${b.series}`));
    // Bar lengths are proportional to the values (domain [0, 1]).
    const lengths = rects.map((r) => Number(/h([\d.]+)/.exec(r.getAttribute('d')!)![1]));
    expect(lengths[3]! / lengths[1]!).toBeCloseTo(0.41 / 0.12, 2);
    expect(texts(doc, 'mark-text', 'role-mark')).toEqual(['0.001', '0.12', '0.005', '0.41']);
    expect(texts(doc, 'role-axis-label')).toEqual(expect.arrayContaining(['R@1 text→image', 'R@10 text→image', '0.0', '1.0']));
    expect(texts(doc, 'role-legend-label')).toEqual(['chance', 'achieved']);
    expect(texts(doc, 'role-axis-title')).toEqual(['recall']);
  });

  it('draws plain bars without series, and refuses non-finite values', async () => {
    const doc = parseSvg(await barChartSvg([{ category: 'raw', value: 0.3 }, { category: 'bootstrapped', value: 0.45 }], { format: '.2f' }));
    expect(paths(doc, 'mark-rect', 'role-mark')).toHaveLength(2);
    expect(texts(doc, 'mark-text', 'role-mark')).toEqual(['0.30', '0.45']);
    expect(groups(doc, 'role-legend')).toHaveLength(0);
    await expect(barChartSvg([{ category: 'a', value: NaN }])).rejects.toThrow('barChartSvg: the value of a is NaN');
  });
});
