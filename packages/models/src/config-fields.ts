/**
 * Reading Hugging Face config.json files: they carry many fields a model does not use
 * (generation settings, architectures, transformers_version, …), so configs keep only the fields
 * their defaults know, and unset (undefined / null) ones fall back to the defaults.
 */
export function pickKnown<T extends object>(given: object | undefined, defaults: T): Partial<T> {
  if (!given) return {};
  return Object.fromEntries(Object.entries(given).filter(([k, v]) => k in defaults && v !== undefined && v !== null)) as Partial<T>;
}
