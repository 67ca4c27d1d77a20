import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePngRgba } from '../data/png.js';
import { parseSvg, svgPaths, svgTexts } from '../testing/svg.js';
import { barChartSvg } from './charts.js';
import { captionGallery } from './gallery.js';
import { blankImage } from './raster.js';
import { formatMetric, metricsTable, writeReport, type MetricRow } from './report.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function metricsFile(name: string, steps: number): string {
  const path = join(tmp, name);
  const lines: string[] = [];
  for (let step = 5; step <= steps; step += 5) {
    lines.push(JSON.stringify({ step, epoch: 0, lr: 1e-3, loss: 3 / step, lossItc: 2 / step, stepsPerSecond: 4 }));
    if (step % 20 === 0) lines.push(JSON.stringify({ step, eval: { r10: step / 100 } }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const rows: MetricRow[] = [
  { group: 'CLIP', name: 'R@10 text→image (twitter)', value: 0.4123, baseline: 0.0052, note: '10/1911' },
  { group: 'CLIP', name: 'R@10 image→text (twitter)', value: 0.38, baseline: 0.0052 },
  { group: 'BLIP', name: 'BLEU-4 | beam 3', value: 0.1, baseline: 0.02 },
  { group: 'BLIP', name: 'CIDEr-D', value: 1.2346, baseline: 'n/a' },
];

describe('formatMetric / metricsTable', () => {
  it('prints numbers compactly', () => {
    expect([0.41234, 0.5, 12, 1.23456, 1234.5, 0.00001234, 'n/a', NaN].map(formatMetric)).toEqual(['0.4123', '0.5', '12', '1.235', '1235', '1.23e-5', 'n/a', 'NaN']);
  });

  it('writes a markdown table with group and note columns only when used, escaping |', () => {
    expect(metricsTable(rows).split('\n')).toEqual([
      '|  | metric | value | chance / baseline | note |',
      '| :-- | :-- | --: | --: | :-- |',
      '| **CLIP** | R@10 text→image (twitter) | 0.4123 | 0.0052 | 10/1911 |',
      '|  | R@10 image→text (twitter) | 0.38 | 0.0052 |  |',
      '| **BLIP** | BLEU-4 \\| beam 3 | 0.1 | 0.02 |  |',
      '|  | CIDEr-D | 1.235 | n/a |  |',
    ]);
    expect(metricsTable([{ name: 'acc', value: 0.9 }], 'trivial').split('\n')).toEqual(['| metric | value | trivial |', '| :-- | --: | --: |', '| acc | 0.9 |  |']);
  });
});

describe('writeReport', () => {
  it('writes report.md with the table and links to every picture, and the pictures themselves', async () => {
    const dir = join(tmp, 'report');
    const gallery = captionGallery([{ image: blankImage(16, 16, [200, 0, 0]), generated: 'a red square', references: ['red'] }]);
    const bars = await barChartSvg([{ category: 'raw', value: 0.3 }, { category: 'filtered', value: 0.4 }]);
    const result = await writeReport(dir, {
      title: 'Glimpse demo',
      summary: 'Trained on **google** emoji, evaluated on twitter.',
      metrics: rows,
      metricsChart: 'achieved vs chance',
      charts: [{ name: 'capfilt', title: 'CapFilt', svg: bars, caption: 'raw vs bootstrapped' }],
      curves: [
        { name: 'clip-loss', title: 'CLIP', source: metricsFile('clip.jsonl', 100) },
        { name: 'blip-loss', title: 'BLIP', source: metricsFile('blip.jsonl', 60), terms: ['loss'] },
      ],
      galleries: [{ name: 'captions', title: 'Captions [held-out]', image: gallery, caption: 'Under each image: the model, then the reference.' }],
      notes: ['Chance R@10 is 10/N.', 'Runs on 2 cores.'],
    });
    const files = ['metrics.svg', 'capfilt.svg', 'clip-loss.svg', 'blip-loss.svg', 'captions.png', 'report.md'];
    expect(result.files).toEqual(files.map((f) => join(dir, f)));
    expect(result.markdown).toBe(join(dir, 'report.md'));
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(dir).sort()).toEqual([...files].sort());

    const md = readFileSync(result.markdown, 'utf8');
    expect(md.startsWith('# Glimpse demo\n\nTrained on **google** emoji, evaluated on twitter.\n\n## Metrics\n\n')).toBe(true);
    expect(md).toContain(metricsTable(rows));
    expect(md).toContain('| **CLIP** | R@10 text→image (twitter) | 0.4123 | 0.0052 | 10/1911 |');
    const links = [...md.matchAll(/!\[([^\]]*(?:\\\][^\]]*)*)\]\(([^)]+)\)/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      ['achieved vs chance', 'metrics.svg'],
      ['CapFilt', 'capfilt.svg'],
      ['CLIP', 'clip-loss.svg'],
      ['BLIP', 'blip-loss.svg'],
      ['Captions \\[held-out\\]', 'captions.png'],
    ]);
    for (const [, file] of links) expect(existsSync(join(dir, file!))).toBe(true);
    expect(md).toContain('## Training curves\n\n### CLIP\n\n');
    expect(md).toContain('## Captions [held-out]\n\nUnder each image: the model, then the reference.\n\n');
    expect(md.trimEnd().endsWith('## Notes\n\n- Chance R@10 is 10/N.\n- Runs on 2 cores.')).toBe(true);

    // The metrics chart: a chance and an achieved bar per row with numeric value and baseline (not CIDEr's "n/a").
    const chart = parseSvg(readFileSync(join(dir, 'metrics.svg'), 'utf8'));
    expect(svgPaths(chart, 'mark-rect', 'role-mark')).toHaveLength(6);
    expect(svgTexts(chart, 'role-legend-label')).toEqual(['chance / baseline', 'achieved']);
    expect(svgTexts(chart, 'role-axis-label')).toEqual(expect.arrayContaining(['CLIP: R@10 text→image (twitter)', 'BLIP: BLEU-4 | beam 3']));
    expect(svgPaths(parseSvg(readFileSync(join(dir, 'clip-loss.svg'), 'utf8')), 'mark-line', 'concat_0_marks')).toHaveLength(2);
    expect(svgPaths(parseSvg(readFileSync(join(dir, 'blip-loss.svg'), 'utf8')), 'mark-line', 'concat_0_marks')).toHaveLength(1);
    const png = decodePngRgba(readFileSync(join(dir, 'captions.png')));
    expect([png.width, png.height]).toEqual([gallery.width, gallery.height]);
    expect(readFileSync(join(dir, 'capfilt.svg'), 'utf8')).toBe(bars);
  });

  it('takes one metrics path as the curves, and writes nothing when the spec is wrong', async () => {
    const one = await writeReport(join(tmp, 'one'), { title: 'one', curves: metricsFile('one.jsonl', 40) });
    expect(one.files.map((f) => f.slice(join(tmp, 'one').length + 1))).toEqual(['loss-curves.svg', 'report.md']);
    expect(readFileSync(one.markdown, 'utf8')).toBe('# one\n\n## Training curves\n\n![loss curves](loss-curves.svg)\n');

    const bad = join(tmp, 'bad');
    const image = blankImage(8, 8);
    await expect(writeReport(bad, { title: 't', galleries: [{ name: '../x', title: 'x', image }] })).rejects.toThrow(`writeReport: gallery name "../x" is not a safe file name`);
    await expect(writeReport(bad, { title: 't', galleries: [{ name: 'a', title: 'a', image }, { name: 'a', title: 'b', image }] })).rejects.toThrow('two pictures are named "a"');
    await expect(writeReport(bad, { title: 't', charts: [{ name: 'c', title: 'c', svg: '<html/>' }] })).rejects.toThrow('chart c is not an SVG document');
    await expect(writeReport(bad, { title: 't', metrics: [{ name: 'm', value: 'x' }], metricsChart: true })).rejects.toThrow('no metric has a numeric value and baseline');
    await expect(writeReport(bad, { title: 't', curves: join(tmp, 'missing.jsonl') })).rejects.toThrow(/ENOENT/);
    expect(existsSync(bad)).toBe(false);
  });
});
