/**
 * Training checkpoints: a directory per save, in Hugging Face layout plus the trainer's state,
 *
 *   <root>/step-000120/  model.safetensors, config.json   (model.savePretrained: loadable as a model)
 *                        [tokenizer files]                 (when a tokenizer is given)
 *                        optimizer.safetensors             (buffers; options and scalars in metadata)
 *                        trainer_state.json                (step, data position, RNG states, …)
 *   <root>/latest        the name of the newest complete checkpoint
 *
 * Nothing written is ever lost: a checkpoint is written into a temporary directory and renamed
 * into place only when complete, `latest` is replaced atomically afterwards, and older
 * checkpoints are deleted only after that (keeping `keep` of them).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '@glimpse/models';
import { writeFileAtomic } from '@glimpse/models/node';
import { parseSafetensors, serializeSafetensors, type Tensor } from '@glimpse/tensor';
import type { Optimizer, OptimizerState, GroupOptions } from './optim/optimizer.js';

/** A model a checkpoint can hold: a Module that writes its config and weights to a directory (`savePretrained`). */
export interface SavableModel extends Module {
  savePretrained(dir: string): Promise<void>;
}

/** A tokenizer a checkpoint can include: anything that writes its files to a directory. */
export interface SavableTokenizer {
  savePretrained(dir: string): Promise<void>;
}

/** Everything besides weights and optimizer buffers that a resumed run needs. */
export interface TrainerState {
  step: number;
  epoch: number;
  /** Batches of `epoch` already consumed. */
  batchInEpoch: number;
  /** Generator states by name (dropout masks, hard-negative sampling, …). */
  generators: Record<string, number[]>;
  /** Anything else the caller wants back (best metric so far, …). */
  extra?: Record<string, unknown>;
}

const STEP_DIR = /^step-(\d+)$/;

/** Writes `<root>/step-NNNNNN/` (model, optimizer buffers, trainer state, tokenizer) atomically, points `latest` at it, keeps the newest `keep`; returns its path. */
export async function saveCheckpoint(
  root: string,
  parts: { model: SavableModel; optimizer: Optimizer<GroupOptions>; state: TrainerState; tokenizer?: SavableTokenizer },
  opts: { keep?: number } = {},
): Promise<string> {
  mkdirSync(root, { recursive: true });
  const name = `step-${String(parts.state.step).padStart(6, '0')}`;
  const temp = join(root, `.${name}.${process.pid}.${Date.now()}.tmp`);
  mkdirSync(temp);
  try {
    await parts.model.savePretrained(temp);
    if (parts.tokenizer) await parts.tokenizer.savePretrained(temp);
    writeFileAtomic(join(temp, 'optimizer.safetensors'), serializeOptimizer(parts.optimizer.stateDict()));
    writeFileAtomic(join(temp, 'trainer_state.json'), new TextEncoder().encode(JSON.stringify(parts.state, null, 2) + '\n'));
    const final = join(root, name);
    rmSync(final, { recursive: true, force: true }); // a stale copy of this very step (a re-run)
    renameSync(temp, final);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw new Error(`saveCheckpoint: could not write ${join(root, name)}: ${(e as Error).message}`);
  }
  writeFileAtomic(join(root, 'latest'), new TextEncoder().encode(name + '\n'));
  const keep = opts.keep ?? 2;
  const all = listCheckpoints(root);
  for (const old of all.slice(0, Math.max(all.length - keep, 0))) rmSync(join(root, old), { recursive: true, force: true });
  return join(root, name);
}

/** Checkpoint directory names under root, oldest first. */
export function listCheckpoints(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => STEP_DIR.test(n))
    .sort((a, b) => Number(STEP_DIR.exec(a)![1]) - Number(STEP_DIR.exec(b)![1]));
}

/** The newest complete checkpoint directory, or undefined when there is none. */
export function latestCheckpoint(root: string): string | undefined {
  const pointer = join(root, 'latest');
  if (!existsSync(pointer)) return undefined;
  const name = readFileSync(pointer, 'utf8').trim();
  if (!STEP_DIR.test(name) || !existsSync(join(root, name))) {
    throw new Error(`latestCheckpoint: ${pointer} names '${name}', which is not a checkpoint directory in ${root}`);
  }
  return join(root, name);
}

/** Reads the optimizer buffers and trainer state of a checkpoint (the weights load with the model's fromPretrained). */
export function loadCheckpointState(dir: string): { optimizer: OptimizerState; state: TrainerState } {
  const optimizerFile = join(dir, 'optimizer.safetensors');
  const stateFile = join(dir, 'trainer_state.json');
  let state: TrainerState;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as TrainerState;
  } catch (e) {
    throw new Error(`loadCheckpointState: ${stateFile}: ${(e as Error).message}`);
  }
  for (const key of ['step', 'epoch', 'batchInEpoch'] as const) {
    if (!Number.isInteger(state[key])) throw new Error(`loadCheckpointState: ${stateFile} has no integer '${key}'`);
  }
  return { optimizer: parseOptimizer(readFileSync(optimizerFile), optimizerFile), state };
}

function serializeOptimizer(saved: OptimizerState): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [param, buffers] of Object.entries(saved.state)) {
    for (const [name, value] of Object.entries(buffers)) {
      if (typeof value === 'number') (scalars[param] ??= {})[name] = value;
      else tensors[`${param}.${name}`] = value;
    }
  }
  return serializeSafetensors(tensors, { groups: JSON.stringify(saved.groups), scalars: JSON.stringify(scalars) });
}

function parseOptimizer(bytes: Uint8Array, source: string): OptimizerState {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  if (metadata['groups'] === undefined || metadata['scalars'] === undefined) throw new Error(`loadCheckpointState: ${source} lacks the optimizer metadata`);
  const state: OptimizerState['state'] = {};
  for (const [key, value] of Object.entries(tensors)) {
    const dot = key.indexOf('.');
    (state[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
  }
  for (const [param, values] of Object.entries(JSON.parse(metadata['scalars']) as Record<string, Record<string, number>>)) Object.assign((state[param] ??= {}), values);
  return { state, groups: JSON.parse(metadata['groups']) as Record<string, number>[] };
}
