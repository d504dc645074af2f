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
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

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

// hosts(5): "Text from a "#" character until the end of the line is a comment".
const COMMENT = /#.*/s;
// hosts(5): fields are "separated by any number of blanks and/or tab characters";
// glibc splits on isspace(3), so the CR of a CRLF line is a blank too.
const BLANKS = /[ \t\v\f\r]+/;
// Node's getaddrinfo error code for EAI_NONAME and EAI_NODATA: the name has no address.
const NOT_FOUND = 'ENOTFOUND';
// RFC 6761 §6.4: "invalid." and every name under it.
const INVALID_NAME = /(?:^|\.)invalid\.?$/i;
// RFC 4343 §3: only the ASCII letters match their other case.
const ASCII_UPPER = /[A-Z]/g;

/**
 * Parses hosts-file text (hosts(5)) into its entries, in file order: one per
 * line that has a valid IPv4 or IPv6 address and at least one name. Comments,
 * blank lines and lines glibc would skip (bad address, no name) give nothing.
 */
export function parseHosts(text: string): HostsEntry[] {
  return text
    .split('\n')
    .map(parseLine)
    .filter((entry) => entry !== undefined);
}

/** hosts(5): IP_address canonical_hostname [aliases...] */
function parseLine(line: string): HostsEntry | undefined {
  const [address = '', ...names] = line
    .replace(COMMENT, '')
    .split(BLANKS)
    .filter((field) => field !== '');
  const family = familyOf(address);
  // glibc skips a line whose address inet_pton(3) rejects; a line without a name matches nothing.
  if (family === undefined || names.length === 0) return undefined;
  return { address, family, names };
}

/** The family of an IPv4 or IPv6 address, or undefined for anything else. */
function familyOf(address: string): Family | undefined {
  const family = isIP(address);
  return family === 4 || family === 6 ? family : undefined;
}

/**
 * The address of `name`: from the first line of `options.hosts` that carries
 * it (in any letter case), else from the system resolver. Rejects with
 * `UnknownHost` when nobody knows the name; other resolver errors pass through.
 */
export async function resolve(name: string, options: ResolveOptions = {}): Promise<Resolved> {
  const { hosts = '', family, lookup = dns.lookup } = options;
  // RFC 6761 §6.4: libraries "SHOULD always return immediate negative responses".
  if (INVALID_NAME.test(name)) throw new UnknownHost(name, 'reserved');
  const entry = findEntry(parseHosts(hosts), name, family);
  if (entry) return { address: entry.address, family: entry.family, source: 'hosts' };
  return askSystem(name, family, lookup);
}

/** nsswitch.conf "files": the first line that carries the name wins (glibc without `multi on`). */
function findEntry(
  entries: readonly HostsEntry[],
  name: string,
  family: Family | undefined,
): HostsEntry | undefined {
  const wanted = foldCase(name);
  return entries.find(
    (entry) =>
      (family === undefined || entry.family === family) &&
      entry.names.some((candidate) => foldCase(candidate) === wanted),
  );
}

function foldCase(name: string): string {
  return name.replace(ASCII_UPPER, (letter) => letter.toLowerCase());
}

/** nsswitch.conf "dns", and whatever else the system consults: getaddrinfo(3) via `lookup`. */
async function askSystem(
  name: string,
  family: Family | undefined,
  lookup: SystemLookup,
): Promise<Resolved> {
  try {
    const answer = await lookup(name, { family: family ?? 0 });
    // getaddrinfo answers AF_INET or AF_INET6 only; Node numbers them 4 and 6.
    return { address: answer.address, family: answer.family === 6 ? 6 : 4, source: 'system' };
  } catch (error) {
    // Only "no such name" is an unknown host: EAI_AGAIN and the rest say nothing about the name.
    if (!isErrorWithCode(error, NOT_FOUND)) throw error;
    throw new UnknownHost(name, 'not found', { cause: error });
  }
}

function isErrorWithCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
