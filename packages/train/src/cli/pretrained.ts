/** Loading what a model directory holds: weights + config, tokenizer, image processor. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPImageProcessor, CLIPModel, CLIPTokenizer, type ImageProcessor, type RgbImage } from '@glimpse/models';
import { decodeImage } from '@glimpse/models/node';
import { readBytesOf, UsageError } from './args.js';

export interface CLIPBundle {
  model: CLIPModel;
  tokenizer: CLIPTokenizer;
  processor: ImageProcessor;
}

/**
 * A CLIP directory as Hugging Face or `glimpse train clip` writes it: config.json,
 * model.safetensors, vocab.json + merges.txt, and preprocessor_config.json (if absent, CLIP's
 * default processing at the model's image size).
 */
export async function loadCLIP(command: string, dir: string): Promise<CLIPBundle> {
  for (const f of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']) {
    if (!existsSync(join(dir, f))) throw new UsageError(`glimpse ${command}: ${dir} is not a CLIP directory (no ${f})`);
  }
  const model = (await CLIPModel.fromPretrained(dir)).eval();
  const tokenizer = await CLIPTokenizer.fromPretrained(dir);
  const size = model.config.vision_config.image_size;
  const processor = existsSync(join(dir, 'preprocessor_config.json'))
    ? await CLIPImageProcessor.fromPretrained(dir)
    : new CLIPImageProcessor({ size: { shortest_edge: size }, crop_size: { height: size, width: size } });
  return { model, tokenizer, processor };
}

export function readImageFile(command: string, path: string): RgbImage {
  return decodeImage(readBytesOf(command, path), path);
}

/** The batch call a CLIP model needs: padded to the longest, truncated to the model's context. */
export function clipTextBatcher(bundle: CLIPBundle) {
  const maxLength = bundle.model.config.text_config.max_position_embeddings;
  return { call: (texts: readonly string[]) => bundle.tokenizer.call(texts, { padding: 'longest', truncation: true, maxLength }) };
}
