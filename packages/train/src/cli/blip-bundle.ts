/** Loading a BLIP directory for the command line: weights + config, WordPiece vocabulary, image size. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTokenizer, BlipForConditionalGeneration, BlipForImageTextRetrieval, BlipImageProcessor, BlipPretrain, loadImageProcessor, type ImageProcessor } from '@glimpse/models';
import { UsageError } from './args.js';

export interface BLIPBundle {
  model: BlipPretrain | BlipForConditionalGeneration | BlipForImageTextRetrieval;
  tokenizer: BertTokenizer;
  processor: ImageProcessor;
  /** The first token ITM reads: [ENC] for models pre-trained here (original BLIP), as given for HF's retrieval class. */
  itmFirstToken?: number;
}

/**
 * A BLIP directory written by `glimpse train blip` (BlipPretrain) or a Hugging Face one
 * (config.json `architectures`: BlipForConditionalGeneration for captions,
 * BlipForImageTextRetrieval for ITM), with vocab.txt and optionally preprocessor_config.json.
 */
export async function loadBLIP(command: string, dir: string, need: 'caption' | 'itm'): Promise<BLIPBundle> {
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) {
    if (!existsSync(join(dir, f))) throw new UsageError(`glimpse ${command}: ${dir} is not a BLIP directory (no ${f})`);
  }
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { architectures?: string[]; temp_init?: number };
  const arch = config.architectures?.[0];
  const tokenizer = await BertTokenizer.fromPretrained(dir);
  let model: BLIPBundle['model'];
  if (arch === 'BlipForConditionalGeneration') {
    if (need !== 'caption') throw new UsageError(`glimpse ${command}: ${dir} holds a captioning model (no ITM head); use a retrieval or pre-trained BLIP`);
    model = await BlipForConditionalGeneration.fromPretrained(dir);
  } else if (arch === 'BlipForImageTextRetrieval') {
    if (need !== 'itm') throw new UsageError(`glimpse ${command}: ${dir} holds a retrieval model (no decoder); use a captioning or pre-trained BLIP`);
    model = await BlipForImageTextRetrieval.fromPretrained(dir);
  } else {
    model = await BlipPretrain.fromPretrained(dir);
  }
  model.eval();
  const size = model.config.vision_config.image_size;
  const processor = existsSync(join(dir, 'preprocessor_config.json')) ? await loadImageProcessor(dir, 'blip') : new BlipImageProcessor({ size: { height: size, width: size } });
  return { model, tokenizer, processor, ...(model instanceof BlipPretrain && tokenizer.encId !== undefined ? { itmFirstToken: tokenizer.encId } : {}) };
}
