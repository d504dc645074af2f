/**
 * Kata 01 · Resolve a hostname. Read the lesson first: README.md in this folder.
 *
 * A hosts file maps names to addresses, one line per address (hosts(5)):
 *
 *   # a comment
 *   192.0.2.10     printer.example.test  printer
 *   2001:db8::10   printer.example.test
 *
 * `resolve` looks in hosts text first, then asks the system resolver, the way
 * getaddrinfo(3) does when /etc/nsswitch.conf says `hosts: files dns`.
 */
import type { LookupAddress } from 'node:dns';
import { KataTodo } from '../../support/kata-todo.ts';

/** The IP version of an address: 4 for IPv4, 6 for IPv6 (Node's numbering, as in `net.isIP`). */
export type Family = 4 | 6;

/** One usable line of a hosts file. */
export interface HostsEntry {
  /** The address as written in the file: `192.0.2.10`, `2001:db8::10`. */
  readonly address: string;
  readonly family: Family;
  /** The canonical name first, then the aliases, each as written (case kept). */
  readonly names: readonly string[];
}

/** Where an answer came from. */
export type Source = 'hosts' | 'system';

export interface Resolved {
  readonly address: string;
  readonly family: Family;
  readonly source: Source;
}

/**
 * The system resolver: the shape of `dns.promises.lookup`, which calls
 * getaddrinfo(3). `family: 0` means either family (getaddrinfo's AF_UNSPEC).
 * When it finds nothing it rejects with an error whose `code` is 'ENOTFOUND'.
 */
export type SystemLookup = (
  hostname: string,
  options: { readonly family: 0 | Family },
) => Promise<LookupAddress>;

export interface ResolveOptions {
  /** Hosts-file text to look in before asking the system. None by default. */
  readonly hosts?: string;
  /** Only addresses of this family. Either family by default. */
  readonly family?: Family;
  /** The system resolver to ask. `dns.promises.lookup` by default. */
  readonly lookup?: SystemLookup;
}

/** Why a name has no address. */
export type UnknownHostReason = 'not found' | 'reserved';

export const UNKNOWN_HOST_BECAUSE = {
  'not found': 'it is not in the hosts text, and the system resolver does not know it',
  reserved: 'names under .invalid never resolve (RFC 6761 §6.4)',
} as const satisfies Record<UnknownHostReason, string>;

/** The name has no address. The message names it. */
export class UnknownHost extends Error {
  override readonly name = 'UnknownHost';
  constructor(
    readonly hostname: string,
    readonly reason: UnknownHostReason,
    options?: ErrorOptions,
  ) {
    super(`unknown host "${hostname}": ${UNKNOWN_HOST_BECAUSE[reason]}`, options);
  }
}

/**
 * Parses hosts-file text (hosts(5)) into its entries, in file order: one per
 * line that has a valid IPv4 or IPv6 address and at least one name. Comments,
 * blank lines and lines glibc would skip (bad address, no name) give nothing.
 */
export function parseHosts(text: string): HostsEntry[] {
  throw new KataTodo('parseHosts');
}

/**
 * The address of `name`: from the first line of `options.hosts` that carries
 * it (in any letter case), else from the system resolver. Rejects with
 * `UnknownHost` when nobody knows the name; other resolver errors pass through.
 */
export async function resolve(name: string, options: ResolveOptions = {}): Promise<Resolved> {
  throw new KataTodo('resolve');
}
