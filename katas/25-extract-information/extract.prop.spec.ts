import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { extract } from './extract.ts';
import { document } from './fixtures/documents.ts';
import { readTree } from './fixtures/parse5-peer.ts';

const BASE = 'http://example.com/dir/page.html?q=1#frag';

describe('extract agrees with parse5’s document tree, read by the HTML Standard’s definitions', () => {
  test.prop([document], { numRuns: 250 })(
    'on generated documents, broken markup included: the same title, links, meta, tables and forms',
    (html) => {
      expect(extract(html, BASE), JSON.stringify(html)).toEqual(readTree(html, BASE));
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 80 })], { numRuns: 200 })(
    'any string at all extracts without an error',
    (html) => {
      const page = extract(html, BASE);
      expect(Array.isArray(page.links) && Array.isArray(page.forms)).toBe(true);
    },
  );
});
