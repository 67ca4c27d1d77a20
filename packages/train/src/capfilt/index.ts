/** CapFilt end to end (BLIP §3.3): noisy web data with known noise, captioner + filter, bootstrapped data, downstream comparison. */
export { makeCapFiltData, writeCapFiltData, readCapFiltSplit, splitItems, sceneOf, parseShapesCaption, captionTruth, readJsonl, writeJsonl, CAPFILT_SPLITS, type CapFiltDataOptions, type CapFiltData, type CapFiltRow, type CapFiltSplit, type CapFiltSplitName } from './data.js';
export { filterScore, distinctNgrams, captionDiversity, type FilterScore } from './measures.js';
export { evaluateCapFiltModel, blipItcScores, type CapFiltMetrics, type CapFiltEvalOptions } from './evaluate.js';
export { CAPFILT_CONFIGS, CAPFILT_STAGES, capfiltPaths, readCapFiltConfig, type CapFiltConfig, type CapFiltStage } from './config.js';
export {
  capfiltData, capfiltPretrain, capfiltFinetune, capfiltCaption, capfiltFilter, capfiltBootstrap, capfiltRetrain, capfiltEvaluate, capfiltModels, bootstrappedRows, loadBootstrapped,
  type StageOptions, type SyntheticRow, type Verdict, type FilteredRow, type BootstrappedRow, type CapFiltEvaluation,
} from './pipeline.js';
export { capfiltReport, capfiltResults, capfiltFindings, DOWNSTREAM_METRICS, type CapFiltResults, type SyntheticStats } from './report.js';
export { runCapFilt, runCapFiltStage } from './run.js';
