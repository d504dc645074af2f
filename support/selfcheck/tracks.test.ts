/** The tracks refer to katas of the manifest, and the README's agenda is the workshop track's. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { KATAS } from '../katas.ts';
import { ROOT } from '../runner/paths.ts';
import { formatAgenda, TRACK_NAMES, TRACKS, trackKatas, withAgenda } from '../tracks.ts';

describe('tracks name katas of the manifest, once each, in unlock order', () => {
  test.each(TRACK_NAMES)('%s', (name) => {
    const numbers = trackKatas(TRACKS[name]).map((kata) => kata.number);
    expect(new Set(numbers).size, 'a kata twice on one track').toBe(numbers.length);
    expect(numbers, 'a track goes forward through the manifest').toEqual(
      [...numbers].sort((a, b) => a - b),
    );
  });
  test('all is every kata', () => {
    expect(trackKatas(TRACKS.all)).toEqual(KATAS);
  });
  test('every workshop stop has its day and its minutes', () => {
    for (const stop of TRACKS.workshop.stops) {
      expect(stop.day, `kata ${stop.kata}`).toBeOneOf([1, 2]);
      expect(stop.minutes, `kata ${stop.kata}`).toBeGreaterThan(0);
    }
  });
});

describe("the README's workshop agenda is generated from the track, so the two never disagree", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  test('the README holds the agenda as npm run agenda writes it', () => {
    expect(readme, 'run `npm run agenda`').toBe(withAgenda(readme));
  });
  test('the agenda lists every stop, with its day, title and minutes', () => {
    const agenda = formatAgenda(TRACKS.workshop);
    for (const kata of trackKatas(TRACKS.workshop)) expect(agenda).toContain(kata.title);
    expect(agenda.split('\n').filter((line) => /^\| \d /.test(line))).toHaveLength(
      TRACKS.workshop.stops.length,
    );
  });
});
