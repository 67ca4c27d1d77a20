/** Writing the shapes set to disk (Node): PNG files, a caption file the folder loader reads, and the ground truth. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePng } from './png.js';
import type { ShapesItem } from './shapes.js';

/** RFC 4180 quoting: a field in double quotes, inner quotes doubled. */
export function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Writes items as `dir/images/00000.png …`, `dir/captions.csv` (or .jsonl) with file,caption
 * rows, and `dir/shapes.json` with each item's objects, relation and corruption (the labels a
 * caption filter is scored against). Returns the caption file's path.
 */
export function writeShapesFolder(dir: string, items: readonly ShapesItem[], opts: { format?: 'csv' | 'jsonl' } = {}): string {
  const format = opts.format ?? 'csv';
  mkdirSync(join(dir, 'images'), { recursive: true });
  const digits = Math.max(5, String(items.length - 1).length);
  const rows = items.map((it, i) => {
    const file = `images/${String(i).padStart(digits, '0')}.png`;
    writePng(join(dir, file), it.image);
    return { file, caption: it.caption };
  });
  const captionFile = join(dir, format === 'csv' ? 'captions.csv' : 'captions.jsonl');
  const text =
    format === 'csv'
      ? ['file,caption', ...rows.map((r) => `${csvField(r.file)},${csvField(r.caption)}`)].join('\n') + '\n'
      : rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(captionFile, text);
  const truth = items.map((it, i) => ({ file: rows[i]!.file, caption: it.caption, objects: it.objects, relation: it.relation ?? null, corruption: it.corruption ?? null }));
  writeFileSync(join(dir, 'shapes.json'), JSON.stringify(truth, null, 1) + '\n');
  return captionFile;
}
