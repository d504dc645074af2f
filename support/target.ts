/**
 * The two targets, one config. Specs always import the learner's path
 * (katas/NN-slug/x.ts). With KATA_TARGET=reference this Vite plugin resolves every
 * such import, transitively, to support/solutions/NN-slug/x.ts, so a reference
 * run never touches a learner's file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

export type Target = 'learner' | 'reference';
export const TARGETS: readonly Target[] = ['learner', 'reference'];

export const UNKNOWN_TARGET = (value: string) =>
  `KATA_TARGET=${value} is not a target: use ${TARGETS.join(' or ')} (learner is the default).`;

export function targetFromEnv(value = process.env.KATA_TARGET): Target {
  if (value === undefined || value === '') return 'learner';
  if ((TARGETS as readonly string[]).includes(value)) return value as Target;
  throw new Error(UNKNOWN_TARGET(value));
}

const KATA_MODULE = /^(.*)[\\/]katas[\\/](\d{2}-[a-z0-9-]+)[\\/]([^\\/]+\.ts)$/;

/** The reference twin of a learner module, or undefined when the path is not one. */
export function referencePath(file: string): string | undefined {
  const match = KATA_MODULE.exec(file);
  if (!match) return undefined;
  const [, root = '', kata = '', name = ''] = match;
  if (name.endsWith('.spec.ts')) return undefined;
  const twin = path.join(root, 'support', 'solutions', kata, name);
  return existsSync(twin) ? twin : undefined;
}

export function kataTarget(target: Target = targetFromEnv()): Plugin {
  return {
    name: 'kata-target',
    enforce: 'pre',
    // Transforms cached on disk (the runner's fsModuleCache) are kept apart per target:
    // the same spec file resolves its imports to other files in each.
    configureVitest({ experimental_defineCacheKeyGenerator }) {
      experimental_defineCacheKeyGenerator(() => target);
    },
    async resolveId(source, importer, options) {
      if (target !== 'reference' || !importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external) return null;
      return referencePath(resolved.id) ?? null;
    },
  };
}
