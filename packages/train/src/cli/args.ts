/** Command-line plumbing: flags through node:util parseArgs, and errors meant for the user. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Full help text (usage, flags, example). */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<void>;
}

export function parse(name: string, command: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (e) {
    throw new UsageError(`glimpse ${name}: ${(e as Error).message.split('\n')[0]} (see glimpse ${name} --help)`);
  }
}

export function required(name: string, values: Record<string, unknown>, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v === '') throw new UsageError(`glimpse ${name}: --${flag} is required (see glimpse ${name} --help)`);
  return v;
}

export function existing(name: string, path: string, what: string): string {
  if (!existsSync(path)) throw new UsageError(`glimpse ${name}: ${what} ${path} does not exist`);
  return path;
}

export function integer(name: string, values: Record<string, unknown>, flag: string, fallback: number): number {
  const v = values[flag];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`glimpse ${name}: --${flag} must be a positive integer, got ${String(v)}`);
  return n;
}

export function number(name: string, values: Record<string, unknown>, flag: string, fallback: number): number {
  const v = values[flag];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`glimpse ${name}: --${flag} must be a number, got ${String(v)}`);
  return n;
}

export function readBytesOf(name: string, path: string): Uint8Array {
  existing(name, path, 'file');
  return readFileSync(path);
}

/** --seed: a non-negative integer (default 0). */
export function seed(name: string, values: Record<string, unknown>): number {
  const n = number(name, values, 'seed', 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`glimpse ${name}: --seed must be a non-negative integer, got ${String(values['seed'])}`);
  return n;
}
