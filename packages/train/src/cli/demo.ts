import { emojiReport, FAST } from '../demo/emoji-report.js';
import type { Command } from './args.js';

export const demo: Command = {
  summary: 'the main job: train tiny CLIP + BLIP on Google emoji, test on Twitter emoji, write a report',
  help: `glimpse demo [--out DIR] [--fast]

Trains a tiny CLIP and a tiny BLIP from scratch on the 1,911 Google-style emoji (names as
captions), evaluates both on the same emoji drawn in Twitter's style, and writes DIR/report.md
with the metrics beside chance, loss curves (SVG) and retrieval / caption galleries (PNG).
About 15 minutes on 2 cores.

  --out DIR   where the report, models and checkpoints go (default report/)
  --fast      a few steps only (seconds; for trying the pipeline, not for its numbers)`,
  options: { out: { type: 'string' }, fast: { type: 'boolean' } },
  async run(values) {
    const outDir = typeof values['out'] === 'string' ? values['out'] : 'report';
    const { report, seconds } = await emojiReport({ outDir, ...(values['fast'] ? FAST : {}) });
    console.log(`report written to ${report} (${(seconds / 60).toFixed(1)} min)`);
  },
};
