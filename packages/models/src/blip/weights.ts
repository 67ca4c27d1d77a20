/**
 * Reading and writing BLIP weights whose parameters have several names. A BLIP state dict names
 * a shared parameter once per place it is used (PyTorch's view): the LM head's `decoder.weight`
 * is `word_embeddings.weight`, `decoder.bias` is `predictions.bias`, and in BlipPretrain the
 * decoder's embeddings, cross-attention and feed-forward are the encoder's. Checkpoints written
 * by Hugging Face keep only one name of each tied group, others every name.
 *
 * `loadSharedStateDict` therefore accepts any non-empty subset of a parameter's names (all
 * present copies must agree exactly), then loads strictly through Module.loadStateDict.
 * `sharedStateDict` writes each parameter once, under its first name.
 */
import { parseSafetensors, serializeSafetensors, type Tensor } from '@glimpse/tensor';
import { joinLocation, readBytes, readJson, writeBytes, writeText } from '../io/files.js';
import type { Module } from '../nn/module.js';

/** Loads `dict` into `model`, filling each tied name from its present aliases; reports what is missing or unexpected. */
export function loadSharedStateDict(model: Module, dict: Record<string, Tensor>, where = model.constructor.name): void {
  const groups = new Map<unknown, string[]>();
  for (const [name, p] of model.allNamedParameters()) groups.set(p, [...(groups.get(p) ?? []), name]);
  const filled = { ...dict };
  const conflicts: string[] = [];
  for (const names of groups.values()) {
    const present = names.filter((n) => n in dict);
    if (present.length === 0) continue; // reported as missing below
    const first = dict[present[0]!]!;
    for (const other of present.slice(1)) {
      const t = dict[other]!;
      if (t.shape.join() !== first.shape.join() || t.to('float64').sub(first.to('float64')).abs().max().item() !== 0) {
        conflicts.push(`${other} differs from ${present[0]}, but they are one (tied) parameter here`);
      }
    }
    for (const n of names) if (!(n in filled)) filled[n] = first;
  }
  if (conflicts.length) throw new Error(`loadSharedStateDict (${where}): ${conflicts.join('\n  ')}`);
  model.loadStateDict(filled);
}

/** Each parameter once, under the first name it is reachable by (what HF writes for tied weights). */
export function sharedStateDict(model: Module): Record<string, Tensor> {
  return Object.fromEntries(model.namedParameters().map(([name, p]) => [name, p.data]));
}

/** `model.safetensors` of a checkpoint directory, without HF's `position_ids` buffers. */
export async function readCheckpointWeights(location: string): Promise<Record<string, Tensor>> {
  const file = joinLocation(location, 'model.safetensors');
  const { tensors } = parseSafetensors(await readBytes(file), file);
  return Object.fromEntries(Object.entries(tensors).filter(([name]) => !name.endsWith('position_ids')));
}

export async function readCheckpointConfig<T>(location: string): Promise<T> {
  return readJson<T>(joinLocation(location, 'config.json'));
}

/** Writes `config.json` + `model.safetensors` (atomically), each parameter once. */
export async function writeCheckpoint(dir: string, config: object, model: Module): Promise<void> {
  await writeText(joinLocation(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  await writeBytes(joinLocation(dir, 'model.safetensors'), serializeSafetensors(sharedStateDict(model), { format: 'pt' }));
}
