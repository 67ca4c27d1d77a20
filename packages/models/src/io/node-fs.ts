/** Node-only file helpers (imported by the `@glimpse/models/node` entry and Node-only modules). */
import * as fs from 'node:fs';
import { writeFileAtomicWith } from './atomic-write.js';

/** Writes `bytes` to `path` atomically: a temp file beside it, fsync, rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  writeFileAtomicWith(fs, path, bytes);
}
