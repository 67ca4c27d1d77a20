#!/usr/bin/env node
/**
 * Runs a command with an X display, so headless-gl (the gpu backend in Node) can make a GL context:
 *   node tools/gpu/with-display.mjs vitest run [args…]      (the root `test` script)
 * On Linux without DISPLAY it runs the command under
 *   xvfb-run -a -s "-ac -screen 0 1280x1024x24"
 * (a virtual X server on Mesa's llvmpipe; Debian: apt-get install xvfb xauth libgl1-mesa-dri).
 * Without xvfb-run it runs the command as is: the gpu tests then skip with the reason — except in
 * CI (CI set), where the gpu tier is required and this fails at once, naming what to install.
 * GLIMPSE_NO_XVFB=1 runs the command as is in any case.
 */
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: with-display.mjs <command> [args…]');
  process.exit(2);
}
const XVFB_ARGS = ['-a', '-s', '-ac -screen 0 1280x1024x24'];
const hasXvfbRun = () => spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;

let argv = command;
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.GLIMPSE_NO_XVFB) {
  if (hasXvfbRun()) argv = ['xvfb-run', ...XVFB_ARGS, ...command];
  else if (process.env.CI) {
    console.error('with-display: no DISPLAY and no xvfb-run, but CI runs the gpu tests: apt-get install xvfb xauth libgl1-mesa-dri (.ci/run does)');
    process.exit(1);
  } else {
    console.warn('with-display: no DISPLAY and no xvfb-run; the gpu tests will skip (apt-get install xvfb xauth libgl1-mesa-dri to run them)');
  }
}
const run = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
if (run.error) {
  console.error(`with-display: cannot run ${argv[0]}: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
