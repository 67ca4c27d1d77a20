import { existsSync } from 'node:fs';
import { CAPFILT_CONFIGS, CAPFILT_STAGES, capfiltPaths, type CapFiltConfig, type CapFiltStage } from '../capfilt/config.js';
import { runCapFilt, runCapFiltStage } from '../capfilt/run.js';
import { integer, number, UsageError, type Command } from './args.js';

/** --filter-itc: the filter's λ_itc (0 by default; 1 is BLIP's). */
function filterItc(values: Record<string, unknown>, fallback: number): number {
  const v = number('capfilt', values, 'filter-itc', fallback);
  if (!(v >= 0)) throw new UsageError(`glimpse capfilt: --filter-itc must be ≥ 0, got ${String(values['filter-itc'])}`);
  return v;
}

/** The configuration the flags ask for: a preset with --seed / --threshold / --steps overrides. */
function configFrom(values: Record<string, unknown>): CapFiltConfig {
  const name = values['config'] ?? 'full';
  if (name !== 'fast' && name !== 'full') throw new UsageError(`glimpse capfilt: --config must be fast or full, got ${String(name)}`);
  const base = CAPFILT_CONFIGS[name];
  const seed = number('capfilt', values, 'seed', base.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`glimpse capfilt: --seed must be a non-negative integer, got ${String(values['seed'])}`);
  const threshold = number('capfilt', values, 'threshold', base.threshold);
  if (!(threshold > 0 && threshold < 1)) throw new UsageError(`glimpse capfilt: --threshold must be between 0 and 1, got ${String(values['threshold'])}`);
  const noise = number('capfilt', values, 'noise', base.data.noise);
  if (!(noise >= 0 && noise <= 1)) throw new UsageError(`glimpse capfilt: --noise must be between 0 and 1, got ${String(values['noise'])}`);
  return {
    ...base,
    seed,
    threshold,
    data: { ...base.data, noise },
    pretrain: { ...base.pretrain, steps: integer('capfilt', values, 'steps', base.pretrain.steps) },
    finetune: {
      ...base.finetune,
      captionerSteps: integer('capfilt', values, 'finetune-steps', base.finetune.captionerSteps),
      filterSteps: integer('capfilt', values, 'filter-steps', base.finetune.filterSteps),
      filter: { ...base.finetune.filter, itc: filterItc(values, base.finetune.filter.itc ?? 1) },
    },
  };
}

export const capfiltCommand: Command = {
  summary: 'CapFilt end to end: noisy web data, captioner + filter, bootstrapped data, raw vs bootstrapped',
  help: `glimpse capfilt [STAGE] --out DIR [flags]

BLIP's CapFilt on shapes scenes whose web captions are partly false, with the noise recorded:
pre-train BLIP on web + human data, fine-tune a captioner (LM) and a filter (ITM) on the
human split, caption every web image (nucleus sampling, and beam search to compare), keep the
web texts and synthetic captions the filter's ITM calls a match, pre-train a new BLIP on the
bootstrapped set, and compare both models on a clean test split. Writes DIR/report/report.md.

Without STAGE, runs every stage in order. With STAGE, runs that one on DIR (the data stage
writes DIR/config.json, which the later stages read). Stages, in order:
  ${CAPFILT_STAGES.join(' → ')}

  --out DIR             the run directory
  --config NAME         full (default: ~27 min on 2 cores) or fast (~20 s, tiny: checks the plumbing)
  --seed N              seeds every stage (default 0); the same seed writes the same files
  --noise X             fraction of web captions made false (default 0.4)
  --threshold X         keep a caption when ITM P(match) > X (default 0.5)
  --steps N             steps of each pre-training (baseline and bootstrapped alike)
  --finetune-steps N    steps of the captioner's fine-tuning
  --filter-steps N      steps of the filter's fine-tuning
  --filter-itc X        the filter's λ_itc (default 0: ITM alone; BLIP's 1 leaves ITM at chance at
                        this scale, see the README)

Example: glimpse capfilt --out runs/capfilt
         glimpse capfilt data --out runs/cf --config fast && glimpse capfilt pretrain --out runs/cf`,
  allowPositionals: true,
  options: {
    out: { type: 'string' }, config: { type: 'string' }, seed: { type: 'string' }, noise: { type: 'string' }, threshold: { type: 'string' },
    steps: { type: 'string' }, 'finetune-steps': { type: 'string' }, 'filter-steps': { type: 'string' }, 'filter-itc': { type: 'string' },
  },
  async run(values, positionals) {
    if (positionals.length > 1) throw new UsageError(`glimpse capfilt: one stage at most, got ${positionals.join(' ')}`);
    const [stage] = positionals;
    if (stage !== undefined && !(CAPFILT_STAGES as readonly string[]).includes(stage)) throw new UsageError(`glimpse capfilt: unknown stage '${stage}' (stages: ${CAPFILT_STAGES.join(', ')})`);
    const out = values['out'];
    if (typeof out !== 'string' || out === '') throw new UsageError('glimpse capfilt: --out is required (see glimpse capfilt --help)');
    const config = configFrom(values);
    const log = (line: string) => process.stderr.write(line + '\n');
    if (stage === undefined) {
      const r = await runCapFilt(out, config, { log });
      console.log(`report: ${r.report} (${(r.seconds / 60).toFixed(1)} min)`);
      return;
    }
    const configFlags = ['config', 'seed', 'noise', 'threshold', 'steps', 'finetune-steps', 'filter-steps', 'filter-itc'].filter((f) => values[f] !== undefined);
    if (stage !== 'data' && configFlags.length > 0) throw new UsageError(`glimpse capfilt ${stage}: --${configFlags[0]} is set by the data stage (the run reads ${capfiltPaths(out).config})`);
    if (stage !== 'data' && !existsSync(capfiltPaths(out).config)) throw new UsageError(`glimpse capfilt ${stage}: ${capfiltPaths(out).config} does not exist; run glimpse capfilt data --out ${out} first`);
    await runCapFiltStage(stage as CapFiltStage, out, config, { log });
    if (stage === 'report') console.log(`report: ${capfiltPaths(out).report}/report.md`);
  },
};
