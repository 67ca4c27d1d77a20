import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '@glimpse/tensor';
import { Linear } from './nn/linear.js';
import { loadSafetensors, saveSafetensors } from './node.js';

describe('safetensors files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-st-'));

  it('saves a state dict atomically and loads it back', () => {
    const lin = new Linear(3, 2);
    const path = join(dir, 'linear.safetensors');
    saveSafetensors(path, lin.stateDict(), { format: 'pt' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // no temp file left behind
    const other = new Linear(3, 2);
    other.loadStateDict(loadSafetensors(path));
    expect(other.weight.data.toArray()).toEqual(lin.weight.data.toArray());
  });

  it('overwrites an existing file in one step', () => {
    const path = join(dir, 'value.safetensors');
    saveSafetensors(path, { x: tensor([1]) });
    saveSafetensors(path, { x: tensor([2]) });
    expect(loadSafetensors(path)['x']!.item()).toBe(2);
  });

  it('names the file of a truncated or corrupt checkpoint and loads nothing into the model', () => {
    const lin = new Linear(3, 2);
    const good = join(dir, 'good.safetensors');
    saveSafetensors(good, lin.stateDict());
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 5));
    const target = new Linear(3, 2);
    const before = target.weight.data.toArray();
    expect(() => target.loadStateDict(loadSafetensors(truncated))).toThrow(/truncated\.safetensors/);
    expect(target.weight.data.toArray()).toEqual(before);
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, Buffer.from('not a safetensors file at all'));
    expect(() => loadSafetensors(garbage)).toThrow(/garbage\.safetensors/);
    expect(() => loadSafetensors(join(dir, 'absent.safetensors'))).toThrow(/cannot read .*absent\.safetensors/);
  });

  it('reports a failed write and leaves no temp file', () => {
    expect(() => saveSafetensors(join(dir, 'no-such-dir', 'x.safetensors'), { x: tensor([1]) })).toThrow(/could not write .*no-such-dir/);
  });
});
