/**
 * Charts for training reports: Vega-Lite specifications compiled to Vega and rendered to SVG
 * in Node by Vega's headless renderer (no canvas, no browser, no native module). Vega and
 * Vega-Lite are loaded on first use, so importing @glimpse/train/node stays cheap for code that
 * never draws a chart.
 *
 * - `lossCurvesSvg`: the loss terms of a run's metrics JSONL (what `train` writes: one object
 *   per logged step, `{step, epoch, lr, loss, …terms}`, and `{step, eval: {...}}` per
 *   evaluation) as lines against step, and the evaluation metrics as points on a second chart.
 * - `barChartSvg`: grouped horizontal bars to compare figures, e.g. chance vs achieved.
 * - `renderVegaLiteSvg`: any other Vega-Lite chart.
 */
import { readFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';

/** One line of a metrics JSONL file. */
export type MetricsEntry = { readonly step: number } & Readonly<Record<string, unknown>>;

/**
 * Reads a metrics JSONL file. A last line cut short (a run killed while appending) is skipped;
 * a bad line anywhere else is an error naming the file and line.
 */
export function readMetricsJsonl(path: string): MetricsEntry[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: MetricsEntry[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (e) {
      if (lines.slice(i + 1).every((l) => l.trim() === '')) return;
      throw new Error(`readMetricsJsonl: ${path}:${i + 1}: ${(e as Error).message}`);
    }
    if (typeof entry !== 'object' || entry === null || typeof (entry as { step?: unknown }).step !== 'number') {
      throw new Error(`readMetricsJsonl: ${path}:${i + 1}: expected an object with a numeric "step"`);
    }
    out.push(entry as MetricsEntry);
  });
  return out;
}

/** Keys of a logged step that are bookkeeping, not loss terms. */
const NOT_TERMS = new Set(['step', 'epoch', 'lr', 'stepsPerSecond', 'samplesPerSecond', 'eval']);

/** Options of `lossCurvesSvg`. */
export interface LossCurvesOptions {
  /** Loss terms to draw (default: every numeric key starting with "loss", else every numeric key but step, epoch, lr and throughput). */
  terms?: readonly string[];
  /** Evaluation metrics to draw (default: all found). */
  evalMetrics?: readonly string[];
  title?: string;
  /** Plot size of each chart in pixels (default 520 × 220). */
  width?: number;
  height?: number;
  /** A logarithmic loss axis (default false). */
  logScale?: boolean;
}

/** The series `lossCurvesSvg` draws, as long-format rows (for tests and other charts). */
export interface LossSeries {
  readonly steps: { step: number; term: string; value: number }[];
  readonly evals: { step: number; metric: string; value: number }[];
}

/**
 * Loss terms and evaluation metrics of a metrics log in long format. Steps logged more than
 * once (a run resumed from a checkpoint logs again the steps after it) keep their last value.
 */
export function lossSeries(entries: readonly MetricsEntry[], opts: Pick<LossCurvesOptions, 'terms' | 'evalMetrics'> = {}): LossSeries {
  const train = new Map<number, Record<string, unknown>>();
  const evals = new Map<number, Record<string, unknown>>();
  for (const e of entries) {
    if (typeof e['eval'] === 'object' && e['eval'] !== null) evals.set(e.step, e['eval'] as Record<string, unknown>);
    else train.set(e.step, e);
  }
  const numericKeys = (rows: Iterable<Record<string, unknown>>, skip: Set<string>) => {
    const keys = new Set<string>();
    for (const r of rows) for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && !skip.has(k)) keys.add(k);
    return [...keys];
  };
  const allTerms = numericKeys(train.values(), NOT_TERMS);
  const losses = allTerms.filter((k) => /^loss/i.test(k));
  const terms = opts.terms ?? (losses.length > 0 ? losses : allTerms);
  const metrics = opts.evalMetrics ?? numericKeys(evals.values(), new Set());
  const byStep = <T>(m: Map<number, T>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  const steps: LossSeries['steps'] = [];
  for (const [step, e] of byStep(train)) {
    for (const term of terms) {
      const v = e[term];
      if (typeof v === 'number' && Number.isFinite(v)) steps.push({ step, term, value: v });
    }
  }
  const evalRows: LossSeries['evals'] = [];
  for (const [step, e] of byStep(evals)) {
    for (const metric of metrics) {
      const v = e[metric];
      if (typeof v === 'number' && Number.isFinite(v)) evalRows.push({ step, metric, value: v });
    }
  }
  return { steps, evals: evalRows };
}

let vegaModules: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

/** Renders a Vega-Lite specification to an SVG document (Vega's headless renderer, no canvas). */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  vegaModules ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await vegaModules;
  const compiled = vl.compile(spec).spec;
  // No loader access: every chart carries its data inline.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A chart inside a vconcat (a unit or layer spec), as Vega-Lite's types have it. */
type ChartSpec = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** Chart styling shared by the report's charts. */
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right' },
  title: { fontSize: 15, anchor: 'start' },
  view: { stroke: '#d0d0d0' },
} as const;

/**
 * The loss curves of a run as SVG: one line per loss term against step; if the log holds
 * evaluations, a second chart below with each evaluation metric as points (joined by a thin
 * line) against the same steps. `source` is a metrics JSONL path or its parsed entries.
 */
export async function lossCurvesSvg(source: string | readonly MetricsEntry[], opts: LossCurvesOptions = {}): Promise<string> {
  const entries = typeof source === 'string' ? readMetricsJsonl(source) : source;
  const { steps, evals } = lossSeries(entries, opts);
  if (steps.length === 0 && evals.length === 0) {
    const where = typeof source === 'string' ? source : 'the entries';
    throw new Error(`lossCurvesSvg: ${where} hold no values of ${opts.terms ? `the terms ${opts.terms.join(', ')}` : 'any loss term'} and no evaluations`);
  }
  const width = opts.width ?? 520;
  const height = opts.height ?? 220;
  const maxStep = Math.max(...steps.map((s) => s.step), ...evals.map((e) => e.step));
  const x = { field: 'step', type: 'quantitative' as const, title: 'step', scale: { domain: [0, maxStep] } };
  const lossChart: ChartSpec = {
    title: 'training loss',
    width,
    height,
    data: { values: steps },
    mark: { type: 'line', strokeWidth: 1.75, interpolate: 'linear' },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: opts.logScale ? { type: 'log' } : { zero: false } },
      color: { field: 'term', type: 'nominal', title: 'term', scale: { scheme: 'tableau10' } },
    },
  };
  const evalChart: ChartSpec = {
    title: 'evaluation',
    width,
    height: Math.round(height * 0.8),
    data: { values: evals },
    layer: [
      { mark: { type: 'line', strokeWidth: 1, opacity: 0.6 } },
      { mark: { type: 'point', filled: true, size: 50 } },
    ],
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'metric' },
      color: { field: 'metric', type: 'nominal', title: 'metric', scale: { scheme: 'dark2' } },
    },
  };
  const charts = [...(steps.length > 0 ? [lossChart] : []), ...(evals.length > 0 ? [evalChart] : [])];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: { text: opts.title, fontSize: 16 } } : {}),
    config: CONFIG,
    vconcat: charts,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
  return renderVegaLiteSvg(spec);
}

/** One bar: its category (a row of the chart), its series (e.g. "chance", "achieved") and value. */
export interface BarDatum {
  readonly category: string;
  readonly series?: string;
  readonly value: number;
}

/** Options of `barChartSvg`. */
export interface BarChartOptions {
  title?: string;
  /** Title of the value axis (default "value"). */
  valueTitle?: string;
  /** Value axis range, e.g. [0, 1] for recalls (default: from zero to the data). */
  domain?: readonly [number, number];
  /** Plot width in pixels (default 420); the height follows the number of bars. */
  width?: number;
  /** How values are printed at the end of the bars (a d3-format string, default ".3~f"). */
  format?: string;
  /** Series in this order, top to bottom (default: first appearance). */
  seriesOrder?: readonly string[];
}

/**
 * Horizontal bars for comparing figures, one row per category and, with `series`, one bar per
 * series inside it (grouped), each labelled with its value. E.g. R@10 chance vs achieved, or a
 * metric for raw vs bootstrapped data.
 */
export async function barChartSvg(bars: readonly BarDatum[], opts: BarChartOptions = {}): Promise<string> {
  if (bars.length === 0) throw new Error('barChartSvg: no bars to draw');
  for (const b of bars) {
    if (!Number.isFinite(b.value)) throw new Error(`barChartSvg: the value of ${b.category}${b.series ? ` / ${b.series}` : ''} is ${b.value}`);
  }
  const values = bars.map((b) => ({ category: b.category, series: b.series ?? '', value: b.value }));
  const seriesList = opts.seriesOrder ?? [...new Set(values.map((v) => v.series))];
  const categories = [...new Set(values.map((v) => v.category))];
  const grouped = seriesList.length > 1 || seriesList[0] !== '';
  const step = grouped ? 16 : 22;
  const format = opts.format ?? '.3~f';
  const xScale = opts.domain ? { domain: [...opts.domain] } : {};
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom' } },
    width: opts.width ?? 420,
    height: { step },
    data: { values },
    encoding: {
      y: { field: 'category', type: 'nominal', title: null, sort: categories, axis: { labelLimit: 0 } },
      x: { field: 'value', type: 'quantitative', title: opts.valueTitle ?? 'value', scale: xScale },
      ...(grouped
        ? {
            yOffset: { field: 'series', type: 'nominal', sort: [...seriesList] },
            color: { field: 'series', type: 'nominal', title: null, sort: [...seriesList], scale: { domain: [...seriesList], scheme: 'tableau10' } },
          }
        : { color: { value: '#4c78a8' } }),
    },
    layer: [
      { mark: { type: 'bar' } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field: 'value', type: 'quantitative', format }, color: { value: '#333' } } },
    ],
  };
  return renderVegaLiteSvg(spec);
}
