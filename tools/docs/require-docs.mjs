// @ts-check
/**
 * TypeDoc plugin: every exported symbol of every package carries a doc comment.
 *
 * TypeDoc's own `validation.notDocumented` cannot require comments on exports without also
 * requiring them on every class method and interface field, so this plugin checks exactly the
 * exports: each function, class, interface, type alias, variable and enum that an entry point
 * exports (and the members of an exported namespace such as `export * as init`). Each one without
 * a comment is a validation warning naming the symbol and its file; `typedoc.config.mjs` sets
 * `treatValidationWarningsAsErrors`, so the docs build fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Application, Converter, DeclarationReflection, ReflectionKind } from 'typedoc';

const REQUIRED =
  ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Interface | ReflectionKind.TypeAlias |
  ReflectionKind.Variable | ReflectionKind.Enum;

/** @param {DeclarationReflection} ref */
function hasDocs(ref) {
  if (ref.hasComment()) return true;
  const signatures = ref.signatures ?? (ref.type?.type === 'reflection' ? ref.type.declaration.signatures : undefined) ?? [];
  return signatures.some((s) => s.hasComment());
}

/**
 * The exported symbols of a project that lack a doc comment, as 'module.name (Kind) in file'.
 * @param {import('typedoc').ProjectReflection} project
 * @param {readonly string[]} packages the packages whose symbols must be documented
 */
export function undocumentedExports(project, packages) {
  /** @type {string[]} */
  const missing = [];
  /** @type {Set<DeclarationReflection>} */
  const seen = new Set();
  /** @param {import('typedoc').ContainerReflection} container */
  const visit = (container) => {
    for (const child of container.children ?? []) {
      if (child.variant !== 'declaration' || seen.has(child)) continue;
      seen.add(child);
      if (child.kindOf(ReflectionKind.Namespace | ReflectionKind.Module)) {
        visit(child);
        continue;
      }
      if (!child.kindOf(REQUIRED) || hasDocs(child)) continue;
      const id = project.getSymbolIdFromReflection(child);
      if (id && !packages.includes(id.packageName)) continue;
      const where = id ? `${id.packageName}/${id.packagePath}` : 'unknown file';
      missing.push(`${child.getFriendlyFullName()} (${ReflectionKind[child.kind]}) in ${where}`);
    }
  };
  visit(project);
  return missing.sort();
}

/**
 * The import specifier of an entry-point file, from its package's `exports`
 * ('packages/models/src/node.ts' → '@glimpse/models/node'); undefined when no export names it.
 * @param {string} file absolute path
 */
export function specifierOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' && target ? target['@glimpse/source'] : undefined;
      if (typeof source === 'string' && resolve(dir, source) === resolve(file)) {
        return subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      }
    }
    return undefined;
  }
  return undefined;
}

/** @param {Application} app */
export function load(app) {
  // Modules are named as they are imported ('@glimpse/models/node'), not by path ('models/src/node').
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file = context.getSymbolFromReflection(mod)?.declarations?.[0]?.getSourceFile().fileName;
      const specifier = file && specifierOf(file);
      if (specifier) mod.name = specifier;
    }
  });

  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const packages = /** @type {string[]} */ (app.options.getValue('packagesRequiringDocumentation'));
    for (const line of undocumentedExports(project, packages)) {
      app.logger.validationWarning(/** @type {any} */ (`${line} is exported without a doc comment (say what it is, with shapes and dtypes)`));
    }
  });
}
