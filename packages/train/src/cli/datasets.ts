/** Where `glimpse` commands read captioned images from: a folder/file of captions, COCO JSON, or the emoji sets. */
import { loadCaptionFolder } from '../data/caption-files.js';
import { loadCocoCaptions } from '../data/coco.js';
import type { CaptionDataset } from '../data/dataset.js';
import { loadEmojiDataset, type EmojiStyle } from '../data/emoji.js';
import { existing, UsageError } from './args.js';

export const DATA_FLAGS = `  --data PATH        a folder with captions.csv / captions.jsonl (file,caption rows), such a file, or a COCO
                     captions .json (with --images DIR for its image folder)
  --emoji STYLE      the emoji set that installs with Glimpse: google or twitter (1,911 emoji, named captions)
  --image-size N     pixels per side the model sees (emoji are cut at this size; default 32)`;

/** Reads the dataset named by --data/--emoji (`prefix` 'eval-' for the evaluation set). */
export function datasetFromFlags(command: string, values: Record<string, unknown>, prefix = '', size = 32): CaptionDataset | undefined {
  const data = values[`${prefix}data`];
  const emoji = values[`${prefix}emoji`];
  if (data !== undefined && emoji !== undefined) throw new UsageError(`glimpse ${command}: give --${prefix}data or --${prefix}emoji, not both`);
  if (typeof emoji === 'string') {
    if (emoji !== 'google' && emoji !== 'twitter') throw new UsageError(`glimpse ${command}: --${prefix}emoji must be google or twitter, got ${emoji}`);
    return loadEmojiDataset({ style: emoji as EmojiStyle, size });
  }
  if (typeof data !== 'string') return undefined;
  existing(command, data, 'data');
  if (data.endsWith('.json')) {
    const images = values['images'];
    if (typeof images !== 'string') throw new UsageError(`glimpse ${command}: a COCO .json needs --images DIR`);
    return loadCocoCaptions(data, { imageRoot: existing(command, images, 'image folder') });
  }
  return loadCaptionFolder(data);
}
