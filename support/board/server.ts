/**
 * The facilitator's board, on the course's own server and framework: kata 34's gateway
 * server, kata 37's router, kata 39's request object and kata 36's errors() middleware.
 *
 * - `GET /`: the page (page.ts);
 * - `GET /events`: text/event-stream, the view at once, then one per change, a heartbeat
 *   comment every `heartbeatMs`;
 * - `POST /standing`: a runner's standing as JSON, with the join code in the `X-Board-Code`
 *   field or the body's `code`: 204; 429 with Retry-After for a flood from one address, 403
 *   for a wrong code, 413 over `maxBodyBytes`, 415 for a body that is not JSON, 400 naming
 *   the problem;
 * - `GET /state.json`: the view, for tools.
 */
import type net from 'node:net';
import type { App, Environ } from '../solutions/33-gateway-apps/gateway.ts';
import { serveGateway } from '../solutions/34-implement-the-gateway-interface/gateway-server.ts';
import { compose, errors } from '../solutions/36-middleware/middleware.ts';
import { HttpError, router } from '../solutions/37-routing/routing.ts';
import { request } from '../solutions/39-request-object/request.ts';
import { newCode, sameCode } from './code.ts';
import { createHub } from './events.ts';
import { PAGE, PAGE_POLICY } from './page.ts';
import { createLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limit.ts';
import { DEFAULT_RULES, observe, type Pair, type Rules, type View, viewOf } from './room.ts';
import { CODE_FIELD, CODE_HEADER, parseStanding, STANDING_PATH } from './standing.ts';
import { DEFAULT_STATE_FILE, loadState, STATE_TEXT, saveState } from './state.ts';

export interface BoardOptions {
  /** The join code; the state file's, else a new one, when left out. */
  readonly code?: string;
  /** The state file; `.board/state.json` in the working folder when left out. */
  readonly stateFile?: string;
  readonly rules?: Partial<Rules>;
  readonly rateLimit?: RateLimit;
  /** The board's clock in ms, `Date.now` when left out: tests move it by hand. */
  readonly clock?: () => number;
  /** Between heartbeat comments on each event stream; 15 s. */
  readonly heartbeatMs?: number;
  /** How often the board looks whether time alone changed the view (someone went offline); 5 s. */
  readonly tickMs?: number;
  /** The largest standing body; 4 KiB. */
  readonly maxBodyBytes?: number;
  /** The most runners kept; a new one beyond pushes out the longest silent. 200. */
  readonly maxPairs?: number;
  /** Where the board's warnings and the errors of its app go; standard error. */
  readonly log?: (text: string) => void;
}

export interface Board {
  /** Not listening yet: the caller chooses the port and the address. */
  readonly server: net.Server;
  readonly code: string;
  readonly stateFile: string;
  /** The view as it is now. */
  view(): View;
  /** Looks at once whether the view changed (the clock moved) and tells the pages if so. */
  refresh(): void;
  /** How many event streams are open. */
  watching(): number;
  /** Ends every stream and connection, stops the timers, closes the server. */
  close(): Promise<void>;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_TICK_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024;
/** The most runners the board keeps: a room of fifteen, restarts and all, never comes near. */
export const DEFAULT_MAX_PAIRS = 200;

/** The texts of the board's refusals. */
export const REFUSALS = {
  flood: (seconds: number) => `Too many posts from this address: try again in ${seconds} s.`,
  code: 'Unknown join code: use the one the board printed.',
} as const;

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const EVENT_STREAM = 'text/event-stream; charset=utf-8';
const NO_STORE = ['Cache-Control', 'no-store'] as const;
const NO_SNIFF = ['X-Content-Type-Options', 'nosniff'] as const;

export function createBoard(options: BoardOptions = {}): Board {
  const clock = options.clock ?? Date.now;
  const rules: Rules = { ...DEFAULT_RULES, ...options.rules };
  const log = options.log ?? ((text: string) => void process.stderr.write(text));
  const stateFile = options.stateFile ?? DEFAULT_STATE_FILE;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
  const limiter = createLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);

  const loaded = loadState(stateFile);
  if (loaded.kind === 'unreadable') log(STATE_TEXT.unreadable(stateFile, loaded.problem));
  const stored = loaded.kind === 'loaded' ? loaded.state : undefined;
  const code = options.code ?? stored?.code ?? newCode();
  const pairs = new Map<string, Pair>(stored?.pairs.map((pair) => [pair.standing.runner, pair]));

  const view = () => viewOf(pairs.values(), rules, clock());
  const hub = createHub(() => JSON.stringify(view()), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  /** The view less what only the clock moves (the page counts those on by itself). */
  const shape = () =>
    JSON.stringify(view(), (key, value) => (key === 'secondsSincePost' ? undefined : value));
  let shown = shape();
  const refresh = () => {
    const now = shape();
    if (now === shown) return;
    shown = now;
    hub.changed();
  };

  let saveFailed = false;
  const save = () => {
    try {
      saveState(stateFile, { code, pairs: [...pairs.values()] });
      saveFailed = false;
    } catch (error) {
      // said once, until a write succeeds again: the room goes on in memory
      if (!saveFailed) log(STATE_TEXT.unwritable(stateFile, (error as Error).message));
      saveFailed = true;
    }
  };
  if (loaded.kind !== 'loaded' || stored?.code !== code) save();

  const forgetLongestSilent = () => {
    let oldest: Pair | undefined;
    for (const pair of pairs.values())
      if (oldest === undefined || pair.seenAt < oldest.seenAt) oldest = pair;
    if (oldest !== undefined) pairs.delete(oldest.standing.runner);
  };

  const post = async (environ: Environ) => {
    const admission = limiter.admit(environ.REMOTE_ADDR ?? '', clock());
    if (admission.kind === 'refused') {
      const seconds = admission.retryAfterSeconds;
      throw new HttpError(429, REFUSALS.flood(seconds), [['Retry-After', String(seconds)]]);
    }
    const web = request(environ, { maxBodyBytes });
    const given = web.header(CODE_HEADER);
    // a wrong code in the header is refused before a byte of the body is read
    if (given !== undefined && !sameCode(given, code)) throw new HttpError(403, REFUSALS.code);
    const body = await web.json();
    const inBody = (body as Record<string, unknown> | null)?.[CODE_FIELD];
    const offered = given ?? (typeof inBody === 'string' ? inBody : '');
    if (!sameCode(offered, code)) throw new HttpError(403, REFUSALS.code);
    const parsed = parseStanding(body);
    if (parsed.kind === 'invalid') throw new HttpError(400, parsed.problem);
    const { standing } = parsed;
    if (!pairs.has(standing.runner) && pairs.size >= maxPairs) forgetLongestSilent();
    pairs.set(standing.runner, observe(pairs.get(standing.runner), standing, clock()));
    save();
    refresh();
    return { status: 204 };
  };

  const events: App = (environ, startResponse) => {
    if (environ.REQUEST_METHOD !== 'GET') {
      startResponse('405 Method Not Allowed', [
        ['Allow', 'GET'],
        ['Content-Length', '0'],
      ]);
      return [];
    }
    startResponse('200 OK', [['Content-Type', EVENT_STREAM], NO_STORE]);
    return hub.open();
  };

  const app = compose(errors())(
    router([
      [
        '/',
        {
          GET: () => ({
            headers: [
              ['Content-Type', HTML],
              NO_STORE,
              NO_SNIFF,
              ['Content-Security-Policy', PAGE_POLICY],
            ],
            body: PAGE,
          }),
        },
      ],
      [
        '/state\\.json',
        {
          GET: () => ({
            headers: [['Content-Type', JSON_TYPE], NO_STORE],
            body: `${JSON.stringify(view())}\n`,
          }),
        },
      ],
      [STANDING_PATH, { POST: post }],
      ['/events', events],
    ]),
  );

  // the server's own bound is the outer wall, twice the app's: a body between the two, chunked
  // or not, is refused by kata 39 with a 413 the runner can read; past it, kata 34 answers 413
  // and closes, so a body is never buffered past 2 × maxBodyBytes
  const server = serveGateway(app, { maxBodyBytes: 2 * maxBodyBytes, errors: { write: log } });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const ticker = setInterval(refresh, options.tickMs ?? DEFAULT_TICK_MS);
  ticker.unref();
  server.once('close', () => {
    clearInterval(ticker);
    hub.endAll();
  });

  return {
    server,
    code,
    stateFile,
    view,
    refresh,
    watching: () => hub.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        hub.endAll();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
