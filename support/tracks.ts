/**
 * Tracks: named, ordered paths through the manifest's katas, by number (the katas themselves
 * are listed once, in katas.ts). `all` is every kata, the default; `workshop` is the two-day
 * path of the seed course, each stop with the minutes its lesson and specs take a pair, and
 * the day it falls on. The README's workshop agenda is generated from it (`npm run agenda`),
 * and the self-check fails when the two disagree.
 */
import { findKata, KATAS, type Kata } from './katas.ts';

export const TRACK_NAMES = ['all', 'workshop'] as const;
export type TrackName = (typeof TRACK_NAMES)[number];

/** One kata on a track: its number, and for a timed track the minutes and the day. */
export interface Stop {
  readonly kata: number;
  readonly minutes?: number;
  readonly day?: number;
}

export interface Track {
  readonly name: TrackName;
  readonly title: string;
  readonly stops: readonly Stop[];
}

/** Two days of about six hours: sockets to signed sessions, as the seed course runs them. */
const WORKSHOP: readonly Stop[] = [
  { day: 1, kata: 3, minutes: 30 }, // sockets: an echo server
  { day: 1, kata: 5, minutes: 40 }, // a line protocol
  { day: 1, kata: 6, minutes: 45 }, // DNS: a query on the wire
  { day: 1, kata: 13, minutes: 30 }, // concurrency: many clients on one loop
  { day: 1, kata: 17, minutes: 30 }, // the request-line
  { day: 1, kata: 18, minutes: 40 }, // header fields
  { day: 1, kata: 19, minutes: 45 }, // the message body
  { day: 1, kata: 20, minutes: 30 }, // a response
  { day: 1, kata: 21, minutes: 50 }, // a GET client
  { day: 2, kata: 28, minutes: 45 }, // a static server
  { day: 2, kata: 32, minutes: 60 }, // CGI
  { day: 2, kata: 33, minutes: 30 }, // the gateway interface: apps
  { day: 2, kata: 34, minutes: 45 }, // the gateway interface: the server
  { day: 2, kata: 37, minutes: 45 }, // routing
  { day: 2, kata: 40, minutes: 40 }, // cookies
  { day: 2, kata: 41, minutes: 45 }, // signed sessions
];

export const TRACKS: Readonly<Record<TrackName, Track>> = {
  all: { name: 'all', title: 'every kata', stops: KATAS.map((kata) => ({ kata: kata.number })) },
  workshop: { name: 'workshop', title: 'the two-day workshop', stops: WORKSHOP },
};

/** The katas of a track, in its order. */
export function trackKatas(track: Track): Kata[] {
  return track.stops.map((stop) => {
    const kata = findKata(stop.kata);
    if (kata === undefined) throw new Error(`track ${track.name}: no kata ${stop.kata}`);
    return kata;
  });
}

/** The README's agenda of a timed track: a Markdown table of day, kata and minutes. */
export function formatAgenda(track: Track): string {
  const katas = trackKatas(track);
  const rows = track.stops.map((stop, i) => {
    const kata = katas[i] as Kata;
    return `| ${stop.day ?? ''} | ${String(kata.number).padStart(2, '0')} ${kata.title} | ${stop.minutes ?? ''} |`;
  });
  const days = [...new Set(track.stops.map((stop) => stop.day))];
  const totals = days.map((day) => {
    const minutes = track.stops
      .filter((stop) => stop.day === day)
      .reduce((sum, stop) => sum + (stop.minutes ?? 0), 0);
    return `day ${day}: ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
  });
  return [
    '| day | kata | minutes |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `At the keyboard, breaks not counted: ${totals.join(', ')}.`,
  ].join('\n');
}

/** The markers around the generated agenda in the README. */
const AGENDA_START = '<!-- agenda: generated from support/tracks.ts by npm run agenda -->';
const AGENDA_END = '<!-- /agenda -->';

/** The README with its agenda block replaced by the workshop track's. */
export function withAgenda(readme: string): string {
  const start = readme.indexOf(AGENDA_START);
  const end = readme.indexOf(AGENDA_END);
  if (start === -1 || end < start) throw new Error('the README has no agenda markers');
  const block = `${AGENDA_START}\n\n${formatAgenda(TRACKS.workshop)}\n\n`;
  return readme.slice(0, start) + block + readme.slice(end);
}
