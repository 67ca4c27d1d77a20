/**
 * COCO-style caption datasets (Node), in either of the two layouts people have:
 *
 *   COCO captions (captions_train2017.json):
 *     { "images": [{ "id": 1, "file_name": "000000000001.jpg" }, …],
 *       "annotations": [{ "id": 9, "image_id": 1, "caption": "A dog …" }, …] }
 *   Karpathy split as BLIP ships it (coco_karpathy_test.json), a list:
 *     [{ "image": "val2014/COCO_val2014_….jpg", "caption": ["…", "…"] }, …]   (caption may be one string)
 *
 * Captions stay grouped by image (COCO has about five per image), which retrieval needs; the
 * loader flattens them into one example per caption. An annotation with an empty caption or an
 * unknown image id, an image whose file is missing, and an image with no caption at all are
 * reported (file and JSON position) and skipped, with a summary line at the end.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { CaptionDataset, CaptionedImage, DataOrigin } from './dataset.js';
import { IssueLog, type IssueHandler } from './issues.js';

/** Options of `loadCocoCaptions`. */
export interface CocoOptions {
  /** Folder the file names are relative to (default: the JSON file's folder). */
  imageRoot?: string;
  /** Check now that every image file exists (default true). */
  checkFiles?: boolean;
  name?: string;
  onIssue?: IssueHandler;
  log?: (line: string) => void;
}

interface Gathered {
  id: string;
  file: string;
  captions: string[];
  origins: DataOrigin[];
  at: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a COCO captions JSON or a Karpathy-style list; see the file comment. */
export function loadCocoCaptions(path: string, opts: CocoOptions = {}): CaptionDataset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`loadCocoCaptions: cannot read ${path}: ${(e as Error).message}`);
  }
  const issues = new IssueLog(opts.onIssue);
  const gathered: Gathered[] = [];
  let total = 0;
  const addCaption = (g: Gathered, caption: unknown, at: string) => {
    total++;
    if (typeof caption !== 'string' || caption.trim() === '') {
      issues.add({ file: path, at, problem: typeof caption === 'string' ? 'empty caption' : caption === undefined ? 'no caption' : `caption is not text (${JSON.stringify(caption)})` });
      return;
    }
    g.captions.push(caption.trim());
    g.origins.push({ file: path, at });
  };

  if (isObject(json) && Array.isArray(json['images']) && Array.isArray(json['annotations'])) {
    const byId = new Map<string, Gathered>();
    (json['images'] as unknown[]).forEach((img, i) => {
      const at = `images[${i}]`;
      if (!isObject(img) || (typeof img['id'] !== 'number' && typeof img['id'] !== 'string') || typeof img['file_name'] !== 'string') {
        issues.add({ file: path, at, problem: 'malformed image entry: needs "id" and "file_name"' });
        return;
      }
      const g: Gathered = { id: String(img['id']), file: img['file_name'], captions: [], origins: [], at: `${at} (id ${String(img['id'])})` };
      byId.set(g.id, g);
      gathered.push(g);
    });
    (json['annotations'] as unknown[]).forEach((ann, i) => {
      const at = isObject(ann) && ann['id'] !== undefined ? `annotations[${i}] (id ${String(ann['id'])})` : `annotations[${i}]`;
      if (!isObject(ann)) {
        total++;
        issues.add({ file: path, at, problem: 'malformed annotation: not an object' });
        return;
      }
      const g = byId.get(String(ann['image_id']));
      if (!g) {
        total++;
        issues.add({ file: path, at, problem: `annotation of unknown image_id ${JSON.stringify(ann['image_id'])}` });
        return;
      }
      addCaption(g, ann['caption'], at);
    });
  } else if (Array.isArray(json)) {
    const byFile = new Map<string, Gathered>();
    json.forEach((entry, i) => {
      const at = `[${i}]`;
      if (!isObject(entry) || typeof entry['image'] !== 'string') {
        total++;
        issues.add({ file: path, at, problem: 'malformed entry: needs "image" and "caption"' });
        return;
      }
      const file = entry['image'];
      let g = byFile.get(file);
      if (!g) {
        g = { id: entry['image_id'] !== undefined ? String(entry['image_id']) : file, file, captions: [], origins: [], at };
        byFile.set(file, g);
        gathered.push(g);
      }
      const caps = Array.isArray(entry['caption']) ? (entry['caption'] as unknown[]) : [entry['caption']];
      caps.forEach((c, j) => addCaption(g, c, Array.isArray(entry['caption']) ? `${at}.caption[${j}]` : at));
    });
  } else {
    throw new Error(`loadCocoCaptions: ${path}: expected COCO's {"images": [...], "annotations": [...]} or a list of {"image", "caption"}`);
  }

  const root = opts.imageRoot ?? dirname(path);
  const checkFiles = opts.checkFiles ?? true;
  const images: CaptionedImage[] = [];
  let noCaption = 0;
  for (const g of gathered) {
    if (g.captions.length === 0) {
      noCaption++;
      continue;
    }
    const full = isAbsolute(g.file) ? g.file : resolve(root, g.file);
    if (checkFiles && !isFile(full)) {
      issues.add({ file: path, at: g.at, problem: `image not found: ${g.file} (${g.captions.length} captions skipped)` });
      continue;
    }
    images.push({ id: g.id, ref: { path: full }, captions: g.captions, origins: g.origins });
  }
  const log = opts.log ?? ((l: string) => console.warn(l));
  if (noCaption > 0) log(`glimpse data: ${path}: ${noCaption} images have no usable caption and are left out`);
  const summary = issues.summary('entries', total);
  if (summary) log(`glimpse data: ${path}: ${summary}; kept ${images.reduce((n, i) => n + i.captions.length, 0)} captions of ${images.length} images`);
  return { name: opts.name ?? basename(path), images, issues: issues.issues };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
