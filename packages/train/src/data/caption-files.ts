/**
 * Image–caption datasets from a folder and a caption file (Node):
 *
 *   CSV/TSV  a header naming the columns (file,caption), or no header with the file first and
 *            the caption second; fields may be quoted ("a dog, running"), contain newlines and
 *            doubled quotes (RFC 4180). Parsed with csv-parse, a maintained parser, because
 *            those cases (and a BOM, CRLF line ends, and errors that name their line) are where
 *            hand-written splitting goes wrong.
 *   JSONL    one JSON object per line: {"file": "...", "caption": "..."}; caption may also be a
 *            list of captions.
 * Column names accepted: file | file_name | filename | image | image_path | path, and
 * caption | text | title (Hugging Face's imagefolder `metadata.jsonl` uses file_name and text).
 * Rows that name the same image add captions to it, so a file with five rows per image gives a
 * retrieval set with five captions per image.
 *
 * Nothing here throws on bad rows: an empty caption, a missing image, a malformed CSV row or
 * JSON line is reported once with the caption file and line, skipped, and counted in the summary
 * line logged at the end. Only a missing or unreadable caption file itself is an error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CaptionDataset, CaptionedImage, DataOrigin } from './dataset.js';
import { IssueLog, type IssueHandler } from './issues.js';

const FILE_COLUMNS = ['file', 'file_name', 'filename', 'image', 'image_path', 'path'];
const CAPTION_COLUMNS = ['caption', 'text', 'title'];

/** Options of `loadCaptionFile` and `loadCaptionFolder`. */
export interface CaptionFileOptions {
  /** Folder the image paths are relative to (default: the caption file's folder). */
  imageRoot?: string;
  /** Default: from the extension (.csv, .tsv → csv; .jsonl, .ndjson → jsonl). */
  format?: 'csv' | 'jsonl';
  /** Column (CSV) or field (JSONL) of the image path; default: the first of FILE_COLUMNS present. */
  fileColumn?: string;
  /** Column or field of the caption; default: the first of CAPTION_COLUMNS present. */
  captionColumn?: string;
  /** CSV delimiter (default ',', or a tab for .tsv). */
  delimiter?: string;
  /** Whether a CSV's first row is a header (default 'auto': yes when it names a file and a caption column). */
  header?: boolean | 'auto';
  /** Check now that every image file exists (default true; a missing one is reported and skipped). */
  checkFiles?: boolean;
  /** Dataset name (default: the caption file's path). */
  name?: string;
  onIssue?: IssueHandler;
  /** Where the summary line goes (default console.warn; only when rows were skipped). */
  log?: (line: string) => void;
}

interface Row {
  file: unknown;
  caption: unknown;
  line: number;
}

function pickColumn(names: readonly string[], wanted: string | undefined, candidates: readonly string[]): string | undefined {
  if (wanted !== undefined) return names.includes(wanted) ? wanted : undefined;
  const lower = names.map((n) => n.trim().toLowerCase());
  for (const c of candidates) {
    const i = lower.indexOf(c);
    if (i >= 0) return names[i];
  }
  return undefined;
}

function csvRows(path: string, text: string, opts: CaptionFileOptions, issues: IssueLog): Row[] {
  const reportedLines = new Set<number>();
  const records = parse(text, {
    bom: true,
    delimiter: opts.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ','),
    info: true,
    raw: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      const line = Number((err as { lines?: number } | undefined)?.lines ?? 0);
      if (!reportedLines.has(line)) {
        reportedLines.add(line);
        issues.add({ file: path, line, problem: `malformed CSV row: ${err?.message.replace(/ at line \d+/, '') ?? 'unknown error'}` });
      }
      return undefined;
    },
  }) as unknown as { info: { lines: number }; raw: string; record: string[] }[];
  // First line of each record: its last line minus the newlines inside it.
  const startLine = (r: { info: { lines: number }; raw: string }): number => r.info.lines - (r.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
  if (records.length === 0) return [];
  const first = records[0]!.record;
  const fileCol = pickColumn(first, opts.fileColumn, FILE_COLUMNS);
  const captionCol = pickColumn(first, opts.captionColumn, CAPTION_COLUMNS);
  const header = opts.header === 'auto' || opts.header === undefined ? fileCol !== undefined && captionCol !== undefined : opts.header;
  let fileIndex = 0;
  let captionIndex = 1;
  if (header) {
    if (fileCol === undefined || captionCol === undefined) {
      throw new Error(`loadCaptionFile: ${path}: the header (${first.join(', ')}) names no ${fileCol === undefined ? `image column (${opts.fileColumn ?? FILE_COLUMNS.join(' | ')})` : `caption column (${opts.captionColumn ?? CAPTION_COLUMNS.join(' | ')})`}`);
    }
    fileIndex = first.indexOf(fileCol);
    captionIndex = first.indexOf(captionCol);
  }
  return records.slice(header ? 1 : 0).map((r) => ({ file: r.record[fileIndex], caption: r.record[captionIndex], line: startLine(r) }));
}

function jsonlRows(path: string, text: string, opts: CaptionFileOptions, issues: IssueLog): Row[] {
  const rows: Row[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      issues.add({ file: path, line, problem: `malformed JSON line: ${(e as Error).message}` });
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      issues.add({ file: path, line, problem: 'malformed JSON line: expected an object like {"file": ..., "caption": ...}' });
      return;
    }
    const keys = Object.keys(obj);
    const fileKey = pickColumn(keys, opts.fileColumn, FILE_COLUMNS);
    const captionKey = pickColumn(keys, opts.captionColumn, CAPTION_COLUMNS);
    const rec = obj as Record<string, unknown>;
    const captions = captionKey === undefined ? [undefined] : Array.isArray(rec[captionKey]) ? (rec[captionKey] as unknown[]) : [rec[captionKey]];
    if (captions.length === 0) captions.push('');
    for (const caption of captions) rows.push({ file: fileKey === undefined ? undefined : rec[fileKey], caption, line });
  });
  return rows;
}

/** Reads a CSV/TSV or JSONL caption file into a dataset; see the file comment. */
export function loadCaptionFile(path: string, opts: CaptionFileOptions = {}): CaptionDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`loadCaptionFile: cannot read ${path}: ${(e as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  const format = opts.format ?? (ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' || ext === '.tsv' ? 'csv' : undefined);
  if (format !== 'csv' && format !== 'jsonl') throw new Error(`loadCaptionFile: ${path}: cannot tell the format from '${ext}'; pass format: 'csv' or 'jsonl'`);
  const issues = new IssueLog(opts.onIssue);
  const rows = format === 'csv' ? csvRows(path, text, opts, issues) : jsonlRows(path, text, opts, issues);
  const root = opts.imageRoot ?? dirname(path);
  const checkFiles = opts.checkFiles ?? true;

  const byFile = new Map<string, { id: string; path: string; captions: string[]; origins: DataOrigin[] }>();
  const missing = new Set<string>();
  const total = rows.length + issues.count; // rows the parser could not read are already reported
  for (const row of rows) {
    const at: DataOrigin = { file: path, line: row.line };
    if (typeof row.file !== 'string' || row.file.trim() === '') {
      issues.add({ ...at, problem: 'no image file named in this row' });
      continue;
    }
    if (typeof row.caption !== 'string' || row.caption.trim() === '') {
      issues.add({ ...at, problem: row.caption === undefined || row.caption === null ? 'no caption' : typeof row.caption !== 'string' ? `caption is not text (${JSON.stringify(row.caption)})` : 'empty caption' });
      continue;
    }
    const file = row.file.trim();
    const full = isAbsolute(file) ? file : resolve(root, file);
    if (checkFiles && (missing.has(full) || (!byFile.has(full) && !isFile(full)))) {
      missing.add(full);
      issues.add({ ...at, problem: `image not found: ${file}` });
      continue;
    }
    let entry = byFile.get(full);
    if (!entry) byFile.set(full, (entry = { id: file, path: full, captions: [], origins: [] }));
    entry.captions.push(row.caption.trim());
    entry.origins.push(at);
  }
  const images: CaptionedImage[] = [...byFile.values()].map((e) => ({ id: e.id, ref: { path: e.path }, captions: e.captions, origins: e.origins }));
  const summary = issues.summary('rows', total);
  const kept = images.reduce((n, img) => n + img.captions.length, 0);
  if (summary) (opts.log ?? ((l: string) => console.warn(l)))(`glimpse data: ${path}: ${summary}; kept ${kept} captions of ${images.length} images`);
  return { name: opts.name ?? path, images, issues: issues.issues };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The caption files `loadCaptionFolder` looks for, in order. */
export const CAPTION_FILE_NAMES: readonly string[] = ['captions.csv', 'captions.tsv', 'captions.jsonl', 'metadata.csv', 'metadata.jsonl'];

/** A folder of images with one of CAPTION_FILE_NAMES in it (or give the caption file itself). */
export function loadCaptionFolder(dir: string, opts: CaptionFileOptions = {}): CaptionDataset {
  if (existsSync(dir) && statSync(dir).isFile()) return loadCaptionFile(dir, opts);
  if (!existsSync(dir)) throw new Error(`loadCaptionFolder: ${dir} does not exist`);
  const found = CAPTION_FILE_NAMES.find((n) => existsSync(join(dir, n)));
  if (!found) throw new Error(`loadCaptionFolder: ${dir} has no caption file (looked for ${CAPTION_FILE_NAMES.join(', ')})`);
  return loadCaptionFile(join(dir, found), { name: basename(resolve(dir)), ...opts });
}
