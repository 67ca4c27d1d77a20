/** Running CapFilt: one stage, or all of them in order (see pipeline.ts for what each writes). */
import { CAPFILT_STAGES, type CapFiltConfig, type CapFiltStage } from './config.js';
import { capfiltBootstrap, capfiltCaption, capfiltData, capfiltEvaluate, capfiltFilter, capfiltFinetune, capfiltPretrain, capfiltRetrain, type StageOptions } from './pipeline.js';
import { capfiltReport, type CapFiltResults } from './report.js';

/** Runs one stage on run directory `dir` (`config` is needed by the data stage only; the others read DIR/config.json). */
export async function runCapFiltStage(stage: CapFiltStage, dir: string, config: CapFiltConfig | undefined, o: StageOptions = {}): Promise<void> {
  switch (stage) {
    case 'data':
      if (!config) throw new Error('runCapFiltStage: the data stage needs a configuration');
      return capfiltData(dir, config, o);
    case 'pretrain':
      return capfiltPretrain(dir, o);
    case 'finetune':
      return capfiltFinetune(dir, o);
    case 'caption':
      return void (await capfiltCaption(dir, o));
    case 'filter':
      return void (await capfiltFilter(dir, o));
    case 'bootstrap':
      return capfiltBootstrap(dir, o);
    case 'retrain':
      return capfiltRetrain(dir, o);
    case 'evaluate':
      return void (await capfiltEvaluate(dir, o));
    case 'report':
      return void (await capfiltReport(dir, o));
  }
}

/** The whole pipeline into `dir`, stage after stage; returns the results and the report's path. */
export async function runCapFilt(dir: string, config: CapFiltConfig, o: StageOptions = {}): Promise<{ results: CapFiltResults; report: string; seconds: number }> {
  const t0 = performance.now();
  for (const stage of CAPFILT_STAGES.slice(0, -1)) await runCapFiltStage(stage, dir, config, o);
  const { results, report } = await capfiltReport(dir, o);
  return { results, report, seconds: (performance.now() - t0) / 1000 };
}
