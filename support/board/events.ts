/**
 * Server-sent events for the board's pages (HTML Living Standard §9.2): each page's stream
 * starts with the view at once, then gets the view again after each change, and a comment
 * line every heartbeat so that no proxy or NAT takes the quiet connection for a dead one. A
 * page that reads slowly is sent the latest view when it can take more, never a queue.
 */
import type { AppResult } from '../solutions/33-gateway-apps/gateway.ts';

/** How long a browser waits before it reconnects, in ms (the stream's `retry:` field). */
export const RETRY_MS = 2_000;
/** The event type of a view. */
export const VIEW_EVENT = 'board';
/** §9.2.6: a line that starts with a colon is a comment, ignored by the browser. */
export const HEARTBEAT = ': heartbeat\n\n';

export interface Hub {
  /** One page's stream: a gateway result whose close() ends it. */
  open(): AppResult;
  /** The view changed: every stream sends it once it can. */
  changed(): void;
  /** Ends every stream (the board is closing). */
  endAll(): void;
  /** How many streams are open. */
  readonly size: number;
}

interface Page {
  dirty: boolean;
  beat: boolean;
  ended: boolean;
  wake: (() => void) | undefined;
}

const encoder = new TextEncoder();

/** §9.2.5: `event:`, then one `data:` line (JSON has no line break), then a blank line. */
function frame(json: string): string {
  return `event: ${VIEW_EVENT}\ndata: ${json}\n\n`;
}

/** `view` gives the view's JSON as it is at the moment a stream sends it. */
export function createHub(view: () => string, heartbeatMs: number): Hub {
  const pages = new Set<Page>();
  let timer: NodeJS.Timeout | undefined;
  const poke = (page: Page) => {
    page.wake?.();
    page.wake = undefined;
  };
  const end = (page: Page) => {
    page.ended = true;
    poke(page);
    pages.delete(page);
    if (pages.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const beat = () => {
    for (const page of pages) {
      page.beat = true;
      poke(page);
    }
  };

  async function* stream(page: Page): AsyncGenerator<Uint8Array> {
    yield encoder.encode(`retry: ${RETRY_MS}\n${frame(view())}`);
    for (;;) {
      if (!page.dirty && !page.beat && !page.ended) {
        await new Promise<void>((resolve) => (page.wake = resolve));
      }
      if (page.ended) return;
      if (page.dirty) {
        page.dirty = false;
        page.beat = false;
        yield encoder.encode(frame(view()));
      } else if (page.beat) {
        page.beat = false;
        yield encoder.encode(HEARTBEAT);
      }
    }
  }

  return {
    open() {
      const page: Page = { dirty: false, beat: false, ended: false, wake: undefined };
      pages.add(page);
      if (timer === undefined) {
        timer = setInterval(beat, heartbeatMs);
        timer.unref();
      }
      const chunks = stream(page);
      return { [Symbol.asyncIterator]: () => chunks, close: () => end(page) };
    },
    changed() {
      for (const page of pages) {
        page.dirty = true;
        poke(page);
      }
    },
    endAll() {
      for (const page of pages) end(page);
    },
    get size() {
      return pages.size;
    },
  };
}
