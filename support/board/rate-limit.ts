/**
 * A flood guard: at most `max` requests from one client address in any `windowMs`. Each
 * address keeps the times of its last `max` requests only, and an address quiet for a whole
 * window is forgotten, so a flood of addresses cannot grow it past one window's worth.
 */

export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** More than 10 posts in 10 s from one address is a flood: no runner posts that often. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 10, windowMs: 10_000 };

export type Admission =
  | { readonly kind: 'admitted' }
  | { readonly kind: 'refused'; readonly retryAfterSeconds: number };

export interface Limiter {
  /** Counts one request of `address` at `now` (ms) and says whether it may go on. */
  admit(address: string, now: number): Admission;
}

export function createLimiter(limit: RateLimit = DEFAULT_RATE_LIMIT): Limiter {
  const seen = new Map<string, number[]>();
  const forget = (now: number) => {
    for (const [address, times] of seen) {
      if ((times.at(-1) ?? 0) <= now - limit.windowMs) seen.delete(address);
    }
  };
  let sweptAt = Number.NEGATIVE_INFINITY;
  return {
    admit(address, now) {
      if (now - sweptAt >= limit.windowMs) {
        forget(now);
        sweptAt = now;
      }
      const times = (seen.get(address) ?? []).filter((at) => at > now - limit.windowMs);
      seen.set(address, times);
      if (times.length >= limit.max) {
        const oldest = times[0] ?? now;
        // RFC 9110 §10.2.3: Retry-After = delay-seconds, a whole number
        const wait = Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000));
        return { kind: 'refused', retryAfterSeconds: wait };
      }
      times.push(now);
      return { kind: 'admitted' };
    },
  };
}
