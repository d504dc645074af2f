import { describe, expect, test } from 'vitest';
import { hasTasks, parseHints } from './hints.ts';

const LESSON = `# 01 · Something

## Tasks

1. Write \`f\`.

## Hints

1. A nudge.
2. The rule,
   on two lines.

   \`\`\`ts
   const outline = true;
   \`\`\`
3. An outline.

## References

1. Not a hint.
`;

describe('hints are the numbered items of the lesson\'s "## Hints" section', () => {
  test('one rung per item, in order, continuation lines kept', () => {
    const hints = parseHints(LESSON);
    expect(hints).toHaveLength(3);
    expect(hints[0]).toBe('A nudge.');
    expect(hints[1]).toContain('on two lines.');
    expect(hints[1]).toContain('const outline = true;');
    expect(hints[2]).toBe('An outline.');
  });
  test('no section, no hints', () => {
    expect(parseHints('# x\n\n1. y')).toEqual([]);
  });
  test('tasks are found in their section only', () => {
    expect(hasTasks(LESSON)).toBe(true);
    expect(hasTasks('## Tasks\n\nnone\n\n## Hints\n\n1. x')).toBe(false);
  });
});
