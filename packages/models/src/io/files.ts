/**
 * Reading and writing the files of a pretrained model from code that must also run in a
 * browser. A location is a URL (read with fetch, anywhere) or a local path (Node's fs). Node's
 * fs is imported lazily through a computed specifier, so bundlers leave it out of web builds and
 * browsers never evaluate it.
 */
import type * as NodeFs from 'node:fs';
import { writeFileAtomicWith } from './atomic-write.js';

const isUrl = (location: string) => /^(https?|blob|data):/i.test(location);

async function nodeFs(what: string): Promise<typeof NodeFs> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(`${what}: local paths need Node.js; in a browser pass a URL`);
  }
  const specifier = 'node:fs'; // a variable, not a literal: bundlers must not follow it
  return (await import(/* @vite-ignore */ specifier)) as typeof NodeFs;
}

/** `dir/name` for paths and URLs alike. */
export function joinLocation(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The bytes at `location`: a URL read with fetch (anywhere), or a local path read with Node's fs. */
export async function readBytes(location: string): Promise<Uint8Array> {
  if (isUrl(location)) {
    const response = await fetch(location);
    if (!response.ok) throw new Error(`readBytes: ${location}: HTTP ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const fs = await nodeFs('readBytes');
  try {
    return fs.readFileSync(location);
  } catch (e) {
    throw new Error(`readBytes: cannot read ${location}: ${(e as Error).message}`);
  }
}

/** The UTF-8 text at `location` (a URL, or a local path in Node). */
export async function readText(location: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(location));
}

/** Parses a JSON file, naming the file on a syntax error. */
export async function readJson<T>(location: string): Promise<T> {
  const text = await readText(location);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`readJson: ${location} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes a local file atomically (temp file + rename), creating its directory if needed. */
export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await nodeFs('writeBytes');
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut > 0) fs.mkdirSync(path.slice(0, cut), { recursive: true });
  writeFileAtomicWith(fs, path, bytes);
}

/** Writes UTF-8 text to a local file atomically (Node only), creating its directory if needed. */
export async function writeText(path: string, text: string): Promise<void> {
  await writeBytes(path, new TextEncoder().encode(text));
}
