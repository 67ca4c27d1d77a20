/**
 * @glimpse/train/node — the parts of training that read and write files: the training loop
 * (metrics JSONL, checkpoints, resumption) and the checkpoint directories themselves. Kept out of
 * the main entry so optimizers and schedules bundle for the browser without `fs`.
 */
export { train, type TrainOptions, type TrainResult, type EpochData } from './trainer.js';
export { saveCheckpoint, latestCheckpoint, listCheckpoints, loadCheckpointState, type TrainerState, type SavableModel, type SavableTokenizer } from './checkpoint.js';
export { loadCaptionFile, loadCaptionFolder, CAPTION_FILE_NAMES, type CaptionFileOptions } from './data/caption-files.js';
export { loadCocoCaptions, type CocoOptions } from './data/coco.js';
export { loadEmojiDataset, loadEmojiRecords, emojiCaption, emojiCaptionVariants, emojiPhrase, emojiPackageDir, EMOJI_SHEET_SIZES, type EmojiStyle, type EmojiRecord, type EmojiOptions } from './data/emoji.js';
export { createCaptionLoader, type NodeLoaderOptions } from './data/node-loader.js';
export { WorkerFetcher, autoWorkers, type WorkerFetcherOptions } from './data/worker-fetcher.js';
export { writeShapesFolder, csvField } from './data/shapes-io.js';
export { encodePng, writePng, decodePngRgba, compositeRegion, type RgbaImage } from './data/png.js';
export { trainCLIPRecipe, CLIP_PRESETS, type CLIPRecipeOptions, type CLIPRecipeResult } from './recipes/clip-train.js';
export { evaluateCLIP, datasetImages, type CLIPEvaluation } from './recipes/clip-eval.js';
export { imagesInMemory } from './data/in-memory.js';
export { retrievalGallery, retrievalHitBox, textToImageRows, captionGallery, GALLERY_COLORS, GALLERY_LAYOUT, type RetrievalHit, type RetrievalRow, type RetrievalGalleryOptions, type TextToImageRowsOptions, type CaptionGalleryItem, type GeneratedCaption, type CaptionGalleryOptions } from './report/gallery.js';
export { FIXED_6X13, drawText, textWidth, wrapText, fontText, type BitmapFont, type Raster, type TextStyle } from './report/font.js';
export { blankImage, fillRect, strokeRect, drawImage, scaleNearest, fitImage, pixelAt, type Rgb } from './report/raster.js';
export { lossCurvesSvg, lossSeries, barChartSvg, renderVegaLiteSvg, readMetricsJsonl, type MetricsEntry, type LossCurvesOptions, type LossSeries, type BarDatum, type BarChartOptions } from './report/charts.js';
export { writeReport, metricsTable, formatMetric, type ReportSpec, type ReportResult, type MetricRow, type CurvesSection, type GallerySection, type ChartSection } from './report/report.js';
export { trainBLIPRecipe, pretrainBLIP, createBLIP, blipTokenizerFor, blipCaptionBatcher, BLIP_PRESETS, type BLIPRecipeOptions, type BLIPRecipeResult, type BLIPModelOptions, type PretrainBLIPOptions } from './recipes/blip-train.js';
export { evaluateBLIP, constantCaptionBaseline, type BLIPEvaluation } from './recipes/blip-eval.js';
export * from './capfilt/index.js';
