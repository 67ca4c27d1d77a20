/**
 * Atomic file writes: write a temp file beside the target, flush it to disk, then rename over the
 * target. A crash leaves either the old file or the new one, never half of one. The fs module is
 * passed in, so this file imports nothing from Node and stays out of browser bundles.
 */
import type * as NodeFs from 'node:fs';

type Fs = Pick<typeof NodeFs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'>;

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '.' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

export function writeFileAtomicWith(fs: Fs, path: string, bytes: Uint8Array): void {
  const dir = parentOf(path);
  const temp = `${dir}/.${path.slice(dir.length + 1)}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`);
  }
  try {
    // Make the rename itself durable; not every platform lets a directory be fsynced.
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
