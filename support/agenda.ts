/**
 * npm run agenda: writes the workshop agenda into the README from support/tracks.ts, so the
 * two never disagree (the self-check fails when they do).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './runner/paths.ts';
import { withAgenda } from './tracks.ts';

const readme = path.join(ROOT, 'README.md');
const next = withAgenda(readFileSync(readme, 'utf8'));
const temporary = `${readme}.${process.pid}.tmp`;
writeFileSync(temporary, next);
renameSync(temporary, readme);
process.stdout.write('README.md: the workshop agenda is written from support/tracks.ts\n');
