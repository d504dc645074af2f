import { fc, test } from '@fast-check/vitest';
import dnsPacket from 'dns-packet';
import { describe, expect } from 'vitest';
import { peerEncodeName } from './fixtures/peer-name.ts';
import { encodeName, encodeQuery, MAX_NAME_OCTETS, type RecordType, TYPE_CODES } from './query.ts';

/** Printable ASCII but "." (the separator) and "\" (dns-packet's escape), 1 to 63 octets. */
const label = fc.stringMatching(/^[!-\-/-[\]-~]{1,63}$/);
/** Valid names: up to 255 octets on the wire (each label costs its length plus one, the root one). */
const name = fc
  // at least one label: dns-packet writes the root '' as two zero octets and reads it as '.'
  .array(label, { minLength: 1, maxLength: 8 })
  .filter((labels) => labels.reduce((sum, l) => sum + l.length + 1, 1) <= MAX_NAME_OCTETS)
  .map((labels) => labels.join('.'));

describe('RFC 1035 §3.1, §4.1: generated queries, decoded by dns-packet', () => {
  test.prop(
    [
      name,
      fc.constantFrom(...(Object.keys(TYPE_CODES) as RecordType[])),
      fc.integer({ min: 0, max: 0xffff }),
    ],
    {
      numRuns: 300,
    },
  )(
    'every valid name decodes to itself, with its type, class IN and the ID',
    (domain, type, id) => {
      const decoded = dnsPacket.decode(Buffer.from(encodeQuery(domain, type, id)));
      expect(decoded.id).toBe(id);
      expect(decoded.questions).toEqual([{ name: domain, type, class: 'IN' }]);
    },
  );

  test.prop([name], { numRuns: 300 })(
    'encodeName writes the octets dns-packet writes',
    (domain) => {
      expect(Buffer.from(encodeName(domain))).toEqual(peerEncodeName(domain));
    },
  );
});
