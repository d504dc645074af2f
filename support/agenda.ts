/**
 * npm run agenda: writes the workshop agenda into the README from support/tracks.ts, so the
 * two never disagree (the self-check fails when they do).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './runner/paths.ts';
import { writeAtomically } from './runner/progress.ts';
import { withAgenda } from './tracks.ts';

const readme = path.join(ROOT, 'README.md');
writeAtomically(readme, withAgenda(readFileSync(readme, 'utf8')));
process.stdout.write('README.md: the workshop agenda is written from support/tracks.ts\n');
