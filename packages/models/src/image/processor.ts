/**
 * CLIP and BLIP image processors that read Hugging Face's `preprocessor_config.json` and
 * reproduce the PIL-backed ("slow") CLIPImageProcessor / BlipImageProcessor of transformers:
 *
 *   CLIP: resize the shortest edge to size.shortest_edge (bicubic) → center crop to crop_size
 *         (HF rounding: floor) → rescale 1/255 → normalise (CLIP mean/std) → [B, 3, H, W]
 *   BLIP: resize both sides to size.height × size.width (bicubic), no crop → same rescale and
 *         normalisation (HF's BLIP defaults: 384 × 384, CLIP's mean/std).
 *
 * Field meanings (as in transformers): `size` may be an int (CLIP: the shortest edge, like old
 * `CLIPFeatureExtractor` configs; BLIP: a square), {shortest_edge} or {height, width};
 * `crop_size` an int (square) or {height, width}; `resample` is PIL's code (2 = bilinear,
 * 3 = bicubic; others are refused, not approximated); `image_mean` / `image_std` one number or
 * three. `do_convert_rgb` is accepted and has nothing to do: RgbImage is RGB already (decoders
 * apply PIL's convert('RGB')). Unknown fields (processor_class, …) are ignored.
 * Differs on purpose: transformers 5 defaults to torchvision-backed processors whose bicubic
 * resize is not PIL's; these classes match the PIL path (transformers 4.x defaults).
 */
import type { Tensor } from '@glimpse/tensor';
import { joinLocation, readJson } from '../io/files.js';
import { assertRgbImage, type RgbImage } from './image.js';
import { resize, type ResampleFilter } from './resample.js';
import { centerCrop, shortestSideSize, type CropRounding } from './transforms.js';
import { CLIP_MEAN, CLIP_STD, toTensorBatch } from './to-tensor.js';

/** The fields of a Hugging Face preprocessor_config.json that these processors read. */
export interface PreprocessorConfigJson {
  do_resize?: boolean;
  size?: number | { shortest_edge?: number; height?: number; width?: number; longest_edge?: number };
  resample?: number;
  do_center_crop?: boolean;
  crop_size?: number | { height?: number; width?: number };
  do_rescale?: boolean;
  rescale_factor?: number;
  do_normalize?: boolean;
  image_mean?: number | number[];
  image_std?: number | number[];
  do_convert_rgb?: boolean;
  image_processor_type?: string;
  feature_extractor_type?: string;
  [field: string]: unknown;
}

/** The resize target: the shortest edge (aspect kept), or an exact height × width. */
export type ResizeSpec = { readonly shortestEdge: number } | { readonly height: number; readonly width: number };

/** A config with every field resolved and checked. */
export interface ImageProcessorOptions {
  readonly doResize: boolean;
  readonly size: ResizeSpec;
  readonly resample: ResampleFilter;
  readonly doCenterCrop: boolean;
  readonly cropSize: { readonly height: number; readonly width: number };
  /** Whose center-crop rounding to follow; HF's processors use 'hf'. */
  readonly cropRounding: CropRounding;
  readonly doRescale: boolean;
  readonly rescaleFactor: number;
  readonly doNormalize: boolean;
  readonly imageMean: readonly [number, number, number];
  readonly imageStd: readonly [number, number, number];
  readonly doConvertRgb: boolean;
}

/** PIL's resampling codes (Image.Resampling). */
const PIL_RESAMPLE: Record<number, string> = { 0: 'NEAREST', 1: 'LANCZOS', 2: 'BILINEAR', 3: 'BICUBIC', 4: 'BOX', 5: 'HAMMING' };

class ConfigReader {
  constructor(readonly owner: string, readonly json: PreprocessorConfigJson, readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new Error(`${this.owner}: ${this.source}: field "${field}" ${problem}`);
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  positiveInt(field: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  }

  size(fallback: ResizeSpec, intMeans: 'shortest' | 'square'): ResizeSpec {
    const v = this.json.size;
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number') {
      const n = this.positiveInt('size', v);
      return intMeans === 'shortest' ? { shortestEdge: n } : { height: n, width: n };
    }
    if (typeof v !== 'object' || Array.isArray(v)) this.fail('size', `must be an integer or an object, got ${JSON.stringify(v)}`);
    const keys = Object.keys(v).sort().join(',');
    if (keys === 'shortest_edge') return { shortestEdge: this.positiveInt('size.shortest_edge', v.shortest_edge) };
    if (keys === 'height,width') return { height: this.positiveInt('size.height', v.height), width: this.positiveInt('size.width', v.width) };
    return this.fail('size', `must be {"shortest_edge": n} or {"height": h, "width": w}, got ${JSON.stringify(v)}`);
  }

  cropSize(fallback: { height: number; width: number }): { height: number; width: number } {
    const v = this.json.crop_size;
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number') {
      const n = this.positiveInt('crop_size', v);
      return { height: n, width: n };
    }
    if (typeof v !== 'object' || Array.isArray(v) || Object.keys(v).sort().join(',') !== 'height,width') {
      this.fail('crop_size', `must be an integer or {"height": h, "width": w}, got ${JSON.stringify(v)}`);
    }
    return { height: this.positiveInt('crop_size.height', v.height), width: this.positiveInt('crop_size.width', v.width) };
  }

  resample(fallback: ResampleFilter): ResampleFilter {
    const v = this.json.resample;
    if (v === undefined || v === null) return fallback;
    if (v === 3) return 'bicubic';
    if (v === 2) return 'bilinear';
    const name = typeof v === 'number' ? PIL_RESAMPLE[v] : undefined;
    return this.fail('resample', `= ${JSON.stringify(v)}${name ? ` (PIL ${name})` : ''} is not supported (2 = bilinear, 3 = bicubic)`);
  }

  finite(field: string, fallback: number): number {
    const v = this.json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  triple(field: 'image_mean' | 'image_std', fallback: readonly [number, number, number]): [number, number, number] {
    const v = this.json[field];
    if (v === undefined || v === null) return [...fallback];
    const values = typeof v === 'number' ? [v, v, v] : v;
    if (!Array.isArray(values) || values.length !== 3 || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      this.fail(field, `must be a number or 3 numbers (R, G, B), got ${JSON.stringify(v)}`);
    }
    if (field === 'image_std' && values.some((x) => x === 0)) this.fail(field, `must not contain 0, got ${JSON.stringify(v)}`);
    return [values[0]!, values[1]!, values[2]!];
  }
}

/** What the two processors share: the config reader and the pipeline. */
export abstract class ImageProcessor {
  readonly options: ImageProcessorOptions;

  protected constructor(
    /** The class name, for error messages (constructor.name does not survive minifiers). */
    readonly owner: string,
    config: PreprocessorConfigJson,
    source: string,
    defaults: { size: ResizeSpec; intSize: 'shortest' | 'square'; crops: boolean },
  ) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new Error(`${owner}: ${source}: expected a JSON object, got ${Array.isArray(config) ? 'an array' : JSON.stringify(config)}`);
    }
    const r = new ConfigReader(owner, config, source);
    this.options = {
      doResize: r.bool('do_resize', true),
      size: r.size(defaults.size, defaults.intSize),
      resample: r.resample('bicubic'),
      // HF's BlipImageProcessor has no crop step: its crop fields, if any, are ignored.
      doCenterCrop: defaults.crops ? r.bool('do_center_crop', true) : false,
      cropSize: r.cropSize({ height: 224, width: 224 }),
      cropRounding: 'hf',
      doRescale: r.bool('do_rescale', true),
      rescaleFactor: r.finite('rescale_factor', 1 / 255),
      doNormalize: r.bool('do_normalize', true),
      imageMean: r.triple('image_mean', CLIP_MEAN),
      imageStd: r.triple('image_std', CLIP_STD),
      doConvertRgb: r.bool('do_convert_rgb', true),
    };
  }

  /** The geometric part (resize, crop) on uint8 pixels: what the model will see, before normalisation. */
  prepare(img: RgbImage): RgbImage {
    const o = this.options;
    let out = img;
    if (o.doResize) {
      const target = 'shortestEdge' in o.size ? shortestSideSize(img.width, img.height, o.size.shortestEdge) : o.size;
      out = resize(out, target.width, target.height, o.resample);
    }
    if (o.doCenterCrop) out = centerCrop(out, o.cropSize, o.cropRounding);
    return out;
  }

  /** Images → { pixelValues: float32 [B, 3, H, W] }, like the HF processor's `pixel_values`. */
  process(images: RgbImage | readonly RgbImage[]): { pixelValues: Tensor } {
    const list = Array.isArray(images) ? (images as readonly RgbImage[]) : [images as RgbImage];
    if (list.length === 0) throw new Error(`${this.owner}.process: no images`);
    const prepared = list.map((img, i) => {
      assertRgbImage(`${this.owner}.process (image ${i})`, img);
      return this.prepare(img);
    });
    const o = this.options;
    return {
      pixelValues: toTensorBatch(prepared, {
        rescaleFactor: o.doRescale ? o.rescaleFactor : null,
        mean: o.doNormalize ? o.imageMean : null,
        std: o.doNormalize ? o.imageStd : null,
      }),
    };
  }
}

/** Hugging Face CLIPImageProcessor: shortest edge 224 (bicubic), center crop 224, CLIP mean/std. */
export class CLIPImageProcessor extends ImageProcessor {
  constructor(config: PreprocessorConfigJson = {}, source = 'preprocessor config') {
    super('CLIPImageProcessor', config, source, { size: { shortestEdge: 224 }, intSize: 'shortest', crops: true });
  }

  /** Reads `location`/preprocessor_config.json (a folder or URL; or the .json itself). */
  static async fromPretrained(location: string): Promise<CLIPImageProcessor> {
    return (await loadImageProcessor(location, 'clip')) as CLIPImageProcessor;
  }
}

/** Hugging Face BlipImageProcessor: both sides to 384 (bicubic), no crop, CLIP mean/std. */
export class BlipImageProcessor extends ImageProcessor {
  constructor(config: PreprocessorConfigJson = {}, source = 'preprocessor config') {
    super('BlipImageProcessor', config, source, { size: { height: 384, width: 384 }, intSize: 'square', crops: false });
  }

  /** Reads `location`/preprocessor_config.json (a folder or URL; or the .json itself). */
  static async fromPretrained(location: string): Promise<BlipImageProcessor> {
    return (await loadImageProcessor(location, 'blip')) as BlipImageProcessor;
  }
}

/** Which processor class a config names (image_processor_type, or feature_extractor_type in old files). */
export function imageProcessorKind(config: PreprocessorConfigJson): 'clip' | 'blip' | undefined {
  const type = config.image_processor_type ?? config.feature_extractor_type;
  if (typeof type !== 'string') return undefined;
  if (/^CLIP(ImageProcessor|FeatureExtractor)(Fast|Pil)?$/.test(type)) return 'clip';
  if (/^Blip(ImageProcessor)(Fast|Pil)?$/.test(type)) return 'blip';
  return undefined;
}

/** Builds the processor a config names; `kind` overrides (or supplies) the choice. */
export function imageProcessorFromConfig(config: PreprocessorConfigJson, source = 'preprocessor config', kind?: 'clip' | 'blip'): ImageProcessor {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new Error(`imageProcessorFromConfig: ${source}: expected a JSON object, got ${Array.isArray(config) ? 'an array' : JSON.stringify(config)}`);
  }
  if (kind !== undefined && kind !== 'clip' && kind !== 'blip') throw new Error(`imageProcessorFromConfig: kind must be 'clip' or 'blip', got ${JSON.stringify(kind)}`);
  const chosen = kind ?? imageProcessorKind(config);
  if (chosen === 'clip') return new CLIPImageProcessor(config, source);
  if (chosen === 'blip') return new BlipImageProcessor(config, source);
  const type = config.image_processor_type ?? config.feature_extractor_type;
  throw new Error(
    `imageProcessorFromConfig: ${source}: ${type === undefined ? 'names no image_processor_type' : `image_processor_type ${JSON.stringify(type)} is not CLIP's or BLIP's`}; pass kind 'clip' or 'blip' to choose`,
  );
}

/**
 * The processor of a Hugging Face checkpoint: reads `location`/preprocessor_config.json (a
 * local folder in Node, or a URL anywhere; a path ending in .json is read as is). The class
 * comes from image_processor_type unless `kind` says which.
 */
export async function loadImageProcessor(location: string, kind?: 'clip' | 'blip'): Promise<ImageProcessor> {
  const file = /\.json$/i.test(location) ? location : joinLocation(location, 'preprocessor_config.json');
  const json = await readJson<PreprocessorConfigJson>(file);
  return imageProcessorFromConfig(json, file, kind);
}
