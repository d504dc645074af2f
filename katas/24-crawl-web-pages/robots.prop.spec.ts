import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { modelAllowed, modelMatches } from './fixtures/robots-model.ts';
import {
  isAllowed,
  parseRobots,
  patternMatches,
  type RobotsGroup,
  type RobotsRule,
  rulesFor,
} from './robots.ts';

const pathChar = fc.constantFrom('/', 'a', 'b', 'c', '.', '-', '?', '=');
const path = fc.array(pathChar, { maxLength: 10 }).map((chars) => `/${chars.join('')}`);
const pattern = fc
  .tuple(
    fc.array(fc.oneof(pathChar, fc.constant('*')), { maxLength: 8 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([chars, star, dollar]) => `${star ? '*' : '/'}${chars.join('')}${dollar ? '$' : ''}`);
const rule: fc.Arbitrary<RobotsRule> = fc.record({
  kind: fc.constantFrom('allow', 'disallow'),
  pattern,
});
/** A path, or one built to match a pattern more often than chance would. */
const pathFor = (patterns: readonly string[]) =>
  fc.oneof(
    path,
    fc
      .tuple(fc.constantFrom(...patterns, '/'), path)
      .map(([p, tail]) => p.replace(/\$$/, '').replaceAll('*', 'a') + tail.slice(1)),
  );

test.prop([pattern.chain((p) => fc.tuple(fc.constant(p), pathFor([p])))], { numRuns: 400 })(
  'RFC 9309 §2.2.3: "*" is any run of octets, "$" the end, matched from the first octet',
  ([p, candidate]) => {
    expect(patternMatches(p, candidate)).toBe(modelMatches(p, candidate));
  },
);

test.prop(
  [
    fc
      .array(rule, { minLength: 1, maxLength: 6 })
      .chain((rules) => fc.tuple(fc.constant(rules), pathFor(rules.map((r) => r.pattern)))),
  ],
  { numRuns: 400 },
)(
  'RFC 9309 §2.2.2: the match with the most octets decides, allow on a tie, allowed with no match',
  ([rules, candidate]) => {
    fc.pre(candidate !== '/robots.txt');
    expect(isAllowed({ kind: 'rules', rules }, candidate)).toBe(modelAllowed(rules, candidate));
  },
);

const token = fc.constantFrom('KataBot', 'OtherBot', 'foo-bot', 'bar_bot', '*');
const group: fc.Arbitrary<RobotsGroup> = fc.record({
  agents: fc.array(token, { minLength: 1, maxLength: 3 }),
  rules: fc.array(rule, { minLength: 1, maxLength: 3 }),
});
/** A key as a file may write it: any case. */
const spelled = (key: string) =>
  fc
    .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
    .map((upper) => [...key].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const ws = fc.constantFrom('', ' ', '\t', '  ');
const nl = fc.constantFrom('\n', '\r\n', '\r');
const comment = fc.constantFrom('', ' # a comment', '#x');
const line = (key: string, value: string) =>
  fc
    .tuple(spelled(key), ws, ws, ws, comment, nl)
    .map(([k, a, b, c, note, end]) => `${a}${k}${b}:${c}${value}${note}${end}`);

/** The groups written as a robots.txt, with extra records, blank lines and comments between. */
const robotsText = (groups: readonly RobotsGroup[]) =>
  fc
    .tuple(
      ...groups.flatMap((g) => [
        ...g.agents.map((a) => line('user-agent', a)),
        ...g.rules.map((r) =>
          fc
            .tuple(
              line(r.kind, r.pattern),
              fc.constantFrom('', '\n', '# note\n', 'Sitemap: /s.xml\n'),
            )
            .map(([l, extra]) => l + extra),
        ),
      ]),
    )
    .map((lines) => lines.join(''));

test.prop(
  [
    fc
      .array(group, { maxLength: 4 })
      .chain((groups) => fc.tuple(fc.constant(groups), robotsText(groups))),
  ],
  { numRuns: 200 },
)(
  'RFC 9309 §2.2: any case of keys, any WS, comments and other records: the same groups',
  ([groups, text]) => {
    expect(parseRobots(text)).toEqual(groups);
  },
);

test.prop(
  [
    fc.array(group, { maxLength: 5 }),
    fc.constantFrom('KataBot', 'katabot', 'KATABOT', 'foo-bot', 'none'),
  ],
  { numRuns: 200 },
)(
  'RFC 9309 §2.2.1: the groups of the product token (any case) merged, else the "*" groups, else none',
  (groups, crawler) => {
    const named = groups.filter((g) =>
      g.agents.some((a) => a.toLowerCase() === crawler.toLowerCase()),
    );
    const chosen = named.length > 0 ? named : groups.filter((g) => g.agents.includes('*'));
    expect(rulesFor(groups, crawler)).toEqual(chosen.flatMap((g) => g.rules));
  },
);

const UNRESERVED_IN_PATHS = ['a', 'b', 'c', '.', '-'];
test.prop(
  [
    fc
      .array(rule, { minLength: 1, maxLength: 4 })
      .chain((rules) =>
        fc.tuple(
          fc.constant(rules),
          pathFor(rules.map((r) => r.pattern)),
          fc.infiniteStream(fc.tuple(fc.boolean(), fc.boolean())),
        ),
      ),
  ],
  { numRuns: 200 },
)(
  'RFC 9309 §2.2.2: a percent-encoded unreserved octet in the URI "MUST be unencoded prior to comparison"',
  ([rules, candidate, coins]) => {
    fc.pre(candidate !== '/robots.txt');
    const encoded = [...candidate]
      .map((c) => {
        const [encode, lower] = coins.next().value as [boolean, boolean];
        if (!encode || !UNRESERVED_IN_PATHS.includes(c)) return c;
        const hex = c.charCodeAt(0).toString(16).toUpperCase();
        return `%${lower ? hex.toLowerCase() : hex}`;
      })
      .join('');
    const policy = { kind: 'rules', rules } as const;
    expect(isAllowed(policy, encoded)).toBe(isAllowed(policy, candidate));
  },
);
