/** Every sentence the runner says, in one place. */
import { folderOf, type Kata, type Serve } from '../katas.ts';
import type { Reverified } from './reverify.ts';
import { type KataRun, passed, passedCount } from './session.ts';

const name = (kata: Kata) => folderOf(kata);

/** The command a learner can type against a served kata, by the client it names. */
const TRY = {
  nc: (port: number) => `nc 127.0.0.1 ${port}`,
  // SMTP lines end in CRLF (RFC 5321 §2.3.8): -C makes nc send CRLF for Enter.
  'nc -C': (port: number) => `nc -C 127.0.0.1 ${port}`,
  dig: (port: number) => `dig +noedns @127.0.0.1 -p ${port} example.test MX`,
  // -v shows the request and response heads, the bytes a browser hides.
  curl: (port: number, target = '/') => `curl -v http://127.0.0.1:${port}${target}`,
} as const;

export const MESSAGES = {
  usage: `Usage: npm run kata [N] [-- options]

  npm run kata                 the next unfinished kata, in watch mode
  npm run kata 17              kata 17, if unlocked
  npm run kata 17 -- --once    run once: exit 0 passed, 1 failed, 2 locked or unknown
  npm run kata 17 -- --force   open a locked kata anyway (KATA_UNLOCK=all opens every kata)
  npm run kata 17 -- --reset   put the stub back (your file is kept as a backup)
  npm run kata -- --catch-up 17   copy the reference modules of katas 01–16 into place
  npm run kata -- --track workshop   follow a track (KATA_TRACK): the katas off it are filled
  npm run kata 3 -- --serve [--port P]   start your server of kata 3 on 127.0.0.1
  npm run kata 44 -- --measure [--seconds S]   measure your server with your load generator
  npm run kata -- --pair 10    remind the pair to swap driver and navigator every 10 minutes
  npm run kata -- --board URL --code CODE --name "Ada & Linus"   post your standing to the room's board
  npm run kata -- --poll       poll for file changes (network drives, WSL /mnt paths)
  npm run progress [-- --json] verify every kata and rewrite PROGRESS.md
  npm run ui                   the vitest UI on the current kata (KATA_UNLOCK=all: every kata)`,
  unknownTrack: (name: string, names: readonly string[]) =>
    `There is no track "${name}": the tracks are ${names.join(', ')}.`,
  filling: (count: number, track: string, backups: readonly string[]) =>
    `The ${track} track: ${count === 1 ? 'one kata off it is' : `${count} katas off it are`} filled with the reference (your files are kept).` +
    (backups.length ? `\nBacked up first:\n  ${backups.join('\n  ')}` : ''),
  fillFailed: 'Some of the katas filled did not pass: npm run progress shows which.',
  unknownOption: (option: string) => `Unknown option ${option}. See npm run kata -- --help.`,
  badNumber: (option: string, value: string | undefined) =>
    `${option} needs a number, got ${value === undefined ? 'nothing' : `"${value}"`}.`,
  badPair: (value: string | undefined, fallback: number) =>
    `--pair takes the minutes between swaps, a whole number from 1 (or nothing, for ${fallback}), got "${value}".`,
  unknownKata: (number: number, last: number) =>
    `There is no kata ${number}: the katas are numbered 1 to ${last}.`,
  locked: (kata: Kata, first: Kata) =>
    `Kata ${name(kata)} is locked: finish ${name(first)} first (npm run kata ${first.number}).\n` +
    `To open it anyway: npm run kata ${kata.number} -- --force (or KATA_UNLOCK=all for every kata).`,
  verifying: (katas: readonly Kata[]) =>
    `Verifying katas ${katas
      .filter((_, i) => i === 0 || i === katas.length - 1)
      .map((k) => folderOf(k).slice(0, 2))
      .join('–')}, the ones reached (a locked kata is not run)…`,
  recordedNext: (next: Kata | undefined) =>
    next
      ? `Recorded in PROGRESS.md. Next: ${name(next)}, ${next.title}: press n.`
      : 'Recorded in PROGRESS.md. That was the last kata: well done!',
  reverified: (outcome: Reverified) => {
    const changed = `${name(outcome.kata)} changed since it passed`;
    switch (outcome.kind) {
      case 'passes':
        return `${changed}: verified again, it still passes.`;
      case 'fails':
        return `${changed} and no longer passes (${outcome.failed} of ${outcome.total} specs fail): l opens it.`;
      case 'unfinished':
        return `${changed}, and its specs did not finish (an infinite loop?): l opens it.`;
    }
  },
  pairOn: (minutes: number) =>
    `pair mode: swap driver and navigator every ${minutes} minute${minutes === 1 ? '' : 's'}`,
  allDone: 'Every kata passes. Well done! npm run progress re-verifies them all.',
  allPass: (count: number, skipped: number) =>
    `all ${count} specs pass${skipped > 0 ? ` (${skipped} skipped: a tool they use is not on this machine)` : ''}`,
  passedOnce: (kata: Kata, count: number, skipped: number) =>
    `PASS ${name(kata)}: ${MESSAGES.allPass(count, skipped)}. Recorded in PROGRESS.md.`,
  failedOnce: (kata: Kata, failed: number, total: number) =>
    `FAIL ${name(kata)}: ${failed} of ${total} specs fail.`,
  hung: (seconds: number, specs: readonly string[] = []) =>
    (specs.length > 0
      ? `No verdict for ${seconds} s from: ${specs.map((spec) => `"${spec}"`).join(', ')}.\nAn infinite loop, or a server that never answers?\n`
      : `The specs did not finish within ${seconds} s: an infinite loop, or a server that never answers?\n`) +
    'Fix it and save: the runner starts again on the next save.',
  soFar: (count: number) => `running… ${count} spec${count === 1 ? '' : 's'} so far`,
  hungOnce: (kata: Kata, seconds: number) =>
    `FAIL ${name(kata)}: the specs did not finish within ${seconds} s (an infinite loop, or a server that never answers?).`,
  noSpecs: 'No spec ran: is a spec file missing, or does it fail to load?',
  writeIt: (fn: string, file: string) => `Write ${fn}() in ${file}.`,
  startWithLesson: (lesson: string) => `Start with the lesson: ${lesson}`,
  builtOn: (earlier: Kata) => `It belongs to kata ${name(earlier)}, which this kata builds on.`,
  replay: (seed: string, path: string | undefined) =>
    `Replay this counterexample: test.prop([...], { seed: ${seed}${path ? `, path: '${path}'` : ''} })`,
  hintHeading: (shown: number, total: number) =>
    `Hint ${shown} of ${total}${shown < total ? ' (h: the next, x: hide)' : ' (x: hide)'}:`,
  noMoreHints: "No more hints: the lesson's references have the rest.",
  noHints: 'This lesson has no hints.',
  solutionLocked: 'The reference solution opens once this kata passes. Keep going!',
  solutionAt: (files: readonly string[]) => `The reference solution: ${files.join(', ')}`,
  nextLocked: 'The next kata opens when this one passes.',
  swap: (minutes: number) =>
    `⏰ ${minutes} minute${minutes === 1 ? '' : 's'}: swap driver and navigator!`,
  resetDone: (file: string, backup: string | undefined) =>
    backup
      ? `Put the stub back in ${file}; your version is kept in ${backup}`
      : `Put the stub back in ${file} (it was unchanged).`,
  caughtUp: (count: number, backups: readonly string[]) =>
    `Copied the reference modules of ${count} kata(s) into place.` +
    (backups.length ? `\nYour files are kept in:\n  ${backups.join('\n  ')}` : ''),
  verifyingCopies: (count: number, as: 'passed' | 'filled') =>
    `Running the specs of ${count === 1 ? 'that kata' : `those ${count} katas`} to record them as ${as}…`,
  boardUnreachable: (reason: string) =>
    `The board does not answer (${reason}): the runner carries on and posts after the next run.`,
  boardBack: 'The board answers again.',
  boardRefused: (status: number, reason: string) =>
    `The board refused this runner's standing (${status}: ${reason}): check --board, --code and --name.`,
  badBoard: (problem: string) => `--board: ${problem}. See npm run kata -- --help.`,
  verdictsSoFar: (count: number) => `  ${count} specs run so far`,
  caughtUpOpen: (kata: Kata) => `Kata ${name(kata)} is open: npm run kata ${kata.number}`,
  caughtUpFailed: 'Some of the katas copied did not pass: npm run progress shows which.',
  notAServer: (kata: Kata) =>
    `Kata ${name(kata)} has no server to start: --serve is for server katas.`,
  serving: (kata: Kata, port: number, { client, target }: Serve) =>
    `Your ${name(kata)} server listens on 127.0.0.1:${port}${client === 'dig' ? ' (UDP)' : ''}. Try: ${TRY[client](port, target)}   (Ctrl-C stops it)`,
  notExported: (file: string, fn: string) => `${file} does not export ${fn}().`,
  cannotListen: (port: number, code: string) =>
    port === 0
      ? `Your server could not listen on 127.0.0.1 (${code}).`
      : `Your server could not listen on 127.0.0.1:${port} (${code}): leave --port out and the system picks a free port.`,
  notWrittenServe: (fn: string) => `${fn}() is not written yet: write it, then --serve starts it.`,
  notMeasurable: (kata: Kata) =>
    `Kata ${name(kata)} measures nothing: --measure is for kata 44, measure-your-server.`,
  uiAt: (url: string) => `The vitest UI: ${url}  (Ctrl-C stops it)`,
  uiOver: (katas: readonly Kata[]) =>
    `It shows ${katas.length === 1 && katas[0] ? `kata ${name(katas[0])}` : `${katas.length} katas`}.`,
  uiNext: (kata: Kata) => `Unlocked ${name(kata)}: the UI moves on to it. Reload the page.`,
  uiRun: (runs: readonly KataRun[]) =>
    runs
      .map((run) => {
        const ok = passedCount(run);
        return `${passed(run) ? '✓' : '✗'} ${name(run.kata)} ${ok}/${run.specs.length}`;
      })
      .join('   '),
  listKeys: {
    move: '[↑↓] move',
    open: '[enter] open',
    reset: '[R] reset',
    back: '[l] back',
    quit: '[q] quit',
  },
  confirmReset: (kata: Kata) =>
    `Press R again to put the stub of ${name(kata)} back (your file is kept as a backup).`,
  notReached: (kata: Kata) =>
    `${name(kata)} is not reached yet: finish the katas before it (or run it with --force).`,
  keys: {
    list: '[l] list',
    hint: '[h] hint',
    hide: '[x] hide hint',
    rerun: '[r] rerun',
    quit: '[q] quit',
    next: '[n] next kata',
    solution: '[s] solution',
  },
} as const;
