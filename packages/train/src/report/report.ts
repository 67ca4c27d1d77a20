/**
 * A training report as a directory: `report.md` (a markdown page: summary, metrics table,
 * charts, curves, galleries, notes) beside the pictures it links — SVG charts (Vega-Lite) and PNG galleries.
 * Every file is written atomically (temp file + rename), so a report being rewritten is never
 * seen half-written; the markdown is written last, so it never links a picture not yet there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbImage } from '@glimpse/models';
import { writeFileAtomic } from '@glimpse/models/node';
import { encodePng } from '../data/png.js';
import { barChartSvg, lossCurvesSvg, type LossCurvesOptions, type MetricsEntry } from './charts.js';

/** One row of the metrics table. */
export interface MetricRow {
  /** What was measured, e.g. "R@10 text→image (twitter)". */
  readonly name: string;
  readonly value: number | string;
  /** What the value should be compared with: chance level or a trivial baseline. */
  readonly baseline?: number | string;
  /** A section of the table (e.g. "CLIP", "BLIP"), shown as a first column when any row has one. */
  readonly group?: string;
  /** A short remark (e.g. "k/N for N = 1,911 images"). */
  readonly note?: string;
}

/** Loss curves of one run: its metrics JSONL path (or entries), drawn by `lossCurvesSvg`. */
export interface CurvesSection extends LossCurvesOptions {
  /** File name stem (`<name>.svg`) and anchor; letters, digits, '.', '_' and '-'. */
  readonly name: string;
  readonly source: string | readonly MetricsEntry[];
  /** Text under the heading. */
  readonly caption?: string;
}

/** A gallery picture (see gallery.ts), written as `<name>.png`. */
export interface GallerySection {
  /** File name stem; letters, digits, '.', '_' and '-'. */
  readonly name: string;
  readonly title: string;
  readonly image: RgbImage;
  /** Text under the heading. */
  readonly caption?: string;
}

/** A chart already rendered to SVG (e.g. by `barChartSvg`), written as `<name>.svg`. */
export interface ChartSection {
  /** File name stem; letters, digits, '.', '_' and '-'. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
  /** Text under the heading. */
  readonly caption?: string;
}

/** What `writeReport` writes. */
export interface ReportSpec {
  readonly title: string;
  /** Markdown under the title (what was trained on what, how long, on which machine). */
  readonly summary?: string;
  readonly metrics?: readonly MetricRow[];
  /** Heading of the baseline column (default "chance / baseline"). */
  readonly baselineTitle?: string;
  /**
   * Also draw the rows with numeric value and baseline as a bar chart (`metrics.svg`), value
   * against baseline. `true` or the chart's title. Put figures of one scale together (e.g.
   * recalls in [0, 1]); CIDEr or losses beside them would squash the rest.
   */
  readonly metricsChart?: boolean | string;
  /** One metrics JSONL path, or several runs' curves. */
  readonly curves?: string | CurvesSection | readonly CurvesSection[];
  /** Further charts (comparisons, ablations), shown after the metrics table. */
  readonly charts?: readonly ChartSection[];
  /** Retrieval and caption galleries, shown after the curves. */
  readonly galleries?: readonly GallerySection[];
  /** Remarks listed at the end (markdown, one bullet each). */
  readonly notes?: readonly string[];
}

/** What `writeReport` wrote. */
export interface ReportResult {
  /** Path of report.md. */
  readonly markdown: string;
  /** Every file written (pictures first, report.md last). */
  readonly files: readonly string[];
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A number as the table shows it: integers whole, others with 4 significant digits (fixed below 1). */
export function formatMetric(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 1) return v.toPrecision(4);
  if (a >= 0.001) return v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return v.toExponential(2);
}

/** Escapes what would break a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The metrics table in markdown (group column only when some row has a group, note column only when some row has a note). */
export function metricsTable(rows: readonly MetricRow[], baselineTitle = 'chance / baseline'): string {
  const hasGroup = rows.some((r) => r.group !== undefined);
  const hasNote = rows.some((r) => r.note !== undefined);
  const head = [...(hasGroup ? [''] : []), 'metric', 'value', baselineTitle, ...(hasNote ? ['note'] : [])];
  const align = [...(hasGroup ? [':--'] : []), ':--', '--:', '--:', ...(hasNote ? [':--'] : [])];
  const lines = [`| ${head.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`];
  let lastGroup: string | undefined;
  for (const r of rows) {
    const group = r.group !== undefined && r.group !== lastGroup ? `**${cell(r.group)}**` : '';
    lastGroup = r.group;
    const cells = [
      ...(hasGroup ? [group] : []),
      cell(r.name),
      cell(formatMetric(r.value)),
      r.baseline === undefined ? '' : cell(formatMetric(r.baseline)),
      ...(hasNote ? [cell(r.note ?? '')] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function checkName(what: string, name: string, taken: Set<string>): void {
  if (!SAFE_NAME.test(name)) throw new Error(`writeReport: ${what} name ${JSON.stringify(name)} is not a safe file name (letters, digits, '.', '_', '-')`);
  if (taken.has(name)) throw new Error(`writeReport: two pictures are named ${JSON.stringify(name)}`);
  taken.add(name);
}

const encoder = new TextEncoder();

/** A markdown image link with its alt text made safe. */
const imageLink = (alt: string, file: string) => `![${alt.replace(/[\[\]\\]/g, '\\$&').replace(/\r?\n/g, ' ')}](${file})`;

/**
 * Writes a report directory: the charts and galleries, then `report.md` linking them with
 * relative paths (so the directory can be moved or zipped and still viewed, with no server).
 * Everything is checked and drawn before the first file is written.
 */
export async function writeReport(dir: string, spec: ReportSpec): Promise<ReportResult> {
  const taken = new Set<string>(['report']);
  const curves: CurvesSection[] =
    spec.curves === undefined ? [] : typeof spec.curves === 'string' ? [{ name: 'loss-curves', source: spec.curves }] : Array.isArray(spec.curves) ? [...(spec.curves as readonly CurvesSection[])] : [spec.curves as CurvesSection];
  const files: { name: string; bytes: Uint8Array }[] = [];
  const md: string[] = [`# ${spec.title}`, ''];
  if (spec.summary) md.push(spec.summary.trim(), '');
  const section = (title: string, caption: string | undefined, file: string) => {
    md.push(`## ${title}`, '');
    if (caption) md.push(caption.trim(), '');
    md.push(imageLink(title, file), '');
  };

  if (spec.metrics && spec.metrics.length > 0) {
    md.push('## Metrics', '', metricsTable(spec.metrics, spec.baselineTitle), '');
    if (spec.metricsChart) {
      const rows = spec.metrics.filter((r) => typeof r.value === 'number' && typeof r.baseline === 'number');
      if (rows.length === 0) throw new Error('writeReport: metricsChart asks for a chart, but no metric has a numeric value and baseline');
      checkName('metrics chart', 'metrics', taken);
      const title = typeof spec.metricsChart === 'string' ? spec.metricsChart : 'achieved vs ' + (spec.baselineTitle ?? 'chance / baseline');
      const bars = rows.flatMap((r) => {
        const category = r.group ? `${r.group}: ${r.name}` : r.name;
        return [
          { category, series: spec.baselineTitle ?? 'chance / baseline', value: r.baseline as number },
          { category, series: 'achieved', value: r.value as number },
        ];
      });
      files.push({ name: 'metrics.svg', bytes: encoder.encode(await barChartSvg(bars, { title })) });
      md.push(imageLink(title, 'metrics.svg'), '');
    }
  }

  for (const c of spec.charts ?? []) {
    checkName('chart', c.name, taken);
    if (!/^\s*<svg[\s>]/.test(c.svg)) throw new Error(`writeReport: chart ${c.name} is not an SVG document`);
    files.push({ name: `${c.name}.svg`, bytes: encoder.encode(c.svg) });
    section(c.title, c.caption, `${c.name}.svg`);
  }

  if (curves.length > 0) {
    md.push('## Training curves', '');
    for (const c of curves) {
      checkName('curves', c.name, taken);
      const { name, source, caption, ...opts } = c;
      files.push({ name: `${name}.svg`, bytes: encoder.encode(await lossCurvesSvg(source, opts)) });
      if (curves.length > 1 || c.title) md.push(`### ${c.title ?? name}`, '');
      if (caption) md.push(caption.trim(), '');
      md.push(imageLink(c.title ?? 'loss curves', `${name}.svg`), '');
    }
  }

  for (const g of spec.galleries ?? []) {
    checkName('gallery', g.name, taken);
    files.push({ name: `${g.name}.png`, bytes: encodePng(g.image) });
    section(g.title, g.caption, `${g.name}.png`);
  }

  if (spec.notes && spec.notes.length > 0) md.push('## Notes', '', ...spec.notes.map((n) => `- ${n.trim()}`), '');

  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    writeFileAtomic(path, f.bytes);
    written.push(path);
  }
  const markdown = join(dir, 'report.md');
  writeFileAtomic(markdown, encoder.encode(md.join('\n')));
  written.push(markdown);
  return { markdown, files: written };
}
