// npm run kata starts here. The runner is TypeScript; a TypeScript loader (tsx)
// would sit on every import vitest makes and cost about a second per start, so
// the runner is bundled once with esbuild into node_modules/.cache (again
// whenever a source is newer than the bundle) and run by plain Node.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const entry = path.join(here, 'main.ts');
// One bundle per checkout: node_modules may be shared (a linked copy) and the bundle knows its root.
const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
const bundle = path.join(root, 'node_modules', '.cache', 'kata-runner', checkout, 'main.mjs');

/** The runner's sources: support/runner, support/board (its client), and support/'s modules. */
function sources() {
  const modules = (dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => path.join(dir, f));
  return [
    ...modules(here),
    ...modules(path.join(root, 'support', 'board')),
    ...modules(path.join(root, 'support')),
  ];
}

function stale() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  return sources().some((file) => statSync(file).mtimeMs > built);
}

if (stale()) {
  const { build } = await import('esbuild');
  mkdirSync(path.dirname(bundle), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    // paths.ts finds the repository from its own location, not the bundle's.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(here, 'paths.ts')).href) },
  });
}
await import(pathToFileURL(bundle).href);
