import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { latestCheckpoint, listCheckpoints, loadCheckpointState } from './checkpoint.js';
import { runTiny, TOTAL_STEPS } from './testing/tiny-clip-run.js';

const weights = (m: Awaited<ReturnType<typeof runTiny>>) => Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]);

describe('trainer: checkpoints and exact resumption', () => {
  it('a run killed with SIGKILL and resumed ends with the same weights as an uninterrupted run', async () => {
    const reference = weights(await runTiny({}));
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-resume-'));
    const script = fileURLToPath(new URL('./testing/tiny-clip-run.ts', import.meta.url));
    // The child trains slowly (150 ms a step) and is killed right after its step-6 checkpoint.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=@glimpse/source', '--import', 'tsx', script], {
        env: { ...process.env, GLIMPSE_CHILD: dir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('step-000006')) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended with ${code}/${signal} before the kill:\n${out}`))));
    });
    const killedAt = loadCheckpointState(latestCheckpoint(dir)!).state.step;
    expect(killedAt).toBeGreaterThanOrEqual(6);
    expect(killedAt).toBeLessThan(TOTAL_STEPS);
    const lines: string[] = [];
    const resumed = await runTiny({ checkpointDir: dir, resume: true, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^resumed from .*step-0000\d\d at step \d+$/);
    expect(weights(resumed)).toEqual(reference);
  }, 120_000);

  it('keeps the newest checkpoints; a corrupt one is a named error and the previous one stays intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-ckpt-'));
    await runTiny({ checkpointDir: dir });
    expect(listCheckpoints(dir)).toEqual(['step-000010', 'step-000012']);
    const latest = latestCheckpoint(dir)!;
    const optimizerFile = join(latest, 'optimizer.safetensors');
    writeFileSync(optimizerFile, readFileSync(optimizerFile).subarray(0, 100));
    await expect(runTiny({ checkpointDir: dir, resume: true })).rejects.toThrow(/step-000012\/optimizer\.safetensors/);
    expect(existsSync(join(dir, 'step-000010', 'optimizer.safetensors'))).toBe(true);
    expect(loadCheckpointState(join(dir, 'step-000010')).state.step).toBe(10);
    writeFileSync(join(dir, 'latest'), 'nonsense\n');
    expect(() => latestCheckpoint(dir)).toThrow(/names 'nonsense', which is not a checkpoint directory/);
  }, 60_000);
});
