/** A one-line training progress report: step, loss terms, learning rate, throughput, ETA. */

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress line: a 20-cell bar, step/total, the loss terms, the learning rate, throughput and the ETA. */
export function progressLine(p: { step: number; total: number; terms: Record<string, number>; lr: number; stepsPerSecond: number; samplesPerSecond?: number }): string {
  const width = 20;
  const done = Math.min(Math.round((width * p.step) / p.total), width);
  const bar = '█'.repeat(done) + '·'.repeat(width - done);
  const terms = Object.entries(p.terms).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ');
  const speed = p.samplesPerSecond !== undefined ? `${p.samplesPerSecond.toFixed(1)} samples/s` : `${p.stepsPerSecond.toFixed(2)} steps/s`;
  const eta = duration((p.total - p.step) / p.stepsPerSecond);
  return `${bar} ${p.step}/${p.total} | ${terms} | lr ${p.lr.toExponential(2)} | ${speed} | ETA ${eta}`;
}
