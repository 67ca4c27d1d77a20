/**
 * The files a CLIP tokenizer comes in, parsed from text, and read through the isomorphic
 * io/files.ts (a URL anywhere, a local path in Node; no `node:` import here, so the browser
 * bundle stays free of fs).
 *
 * - Hugging Face checkpoints hold `vocab.json` (token → id) and `merges.txt` (`#version: 0.2`,
 *   then one `left right` pair per line, best first).
 * - OpenAI's repository ships only the merges, gzipped: `bpe_simple_vocab_16e6.txt.gz`, a
 *   header line and then 262,145 merges of which CLIP uses the first 48,894 (so that
 *   256 + 256 + 48,894 + 2 = 49,408 tokens); the vocabulary is built from them.
 */
import { readBytes } from '../io/files.js';
import type { BpeMerge } from './clip-bpe.js';

/** The number of merges of OpenAI's file that CLIP uses. */
export const OPENAI_CLIP_MERGES = 49152 - 256 - 2;

/** A file's bytes as strict UTF-8 (a broken file is an error naming it, not U+FFFD soup). */
export async function readUtf8(location: string, caller: string, gzipped = false): Promise<string> {
  try {
    const bytes = await readBytes(location);
    return new TextDecoder('utf-8', { fatal: true }).decode(gzipped ? await gunzip(bytes) : bytes);
  } catch (e) {
    throw new Error(`${caller}: cannot read ${location} as ${gzipped ? 'gzipped ' : ''}UTF-8 text: ${(e as Error).message}`);
  }
}

/** gunzip with the web-standard DecompressionStream, which Node (≥18) and browsers both have. */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** merges.txt → pairs, with each pair's line number for errors. */
export function parseMerges(text: string, name = 'merges.txt'): { merges: BpeMerge[]; lines: number[] } {
  const merges: BpeMerge[] = [];
  const lines: number[] = [];
  const all = text.split('\n');
  all.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith('#version')) return;
    if (line === '' && i === all.length - 1) return; // after the final newline
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`CLIPTokenizer: ${name} line ${i + 1}: expected "left right" (two tokens, one space), got ${JSON.stringify(line)}`);
    merges.push([parts[0], parts[1]]);
    lines.push(i + 1);
  });
  return { merges, lines };
}

/** OpenAI's merges text (header line, then merges) → its first `count` pairs. */
export function parseOpenAIMerges(text: string, name: string, count = OPENAI_CLIP_MERGES): BpeMerge[] {
  const lines = text.split('\n').slice(1, 1 + count);
  if (lines.length < count) throw new Error(`CLIPTokenizer: ${name} has ${lines.length} merges, fewer than the ${count} asked for`);
  return lines.map((line, i): BpeMerge => {
    // Upstream splits on any white space; byte symbols never are white space.
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) throw new Error(`CLIPTokenizer: ${name} line ${i + 2}: expected "left right", got ${JSON.stringify(line)}`);
    return [parts[0]!, parts[1]!];
  });
}
