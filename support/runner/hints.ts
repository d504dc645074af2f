/**
 * Hints live once, in the lesson's "## Hints" section: a numbered list, one rung
 * per item, from a nudge to the rule to an outline. The runner shows one more
 * rung each time the learner asks.
 */
import { readFileSync } from 'node:fs';

const HEADING = /^##\s+Hints\s*$/;
const NEXT_SECTION = /^##\s/;
const ITEM = /^\d+\.\s+(.*)$/;

export function parseHints(markdown: string): string[] {
  const hints: string[][] = [];
  let inSection = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (HEADING.test(line)) {
      inSection = true;
      continue;
    }
    if (!inSection) continue;
    if (NEXT_SECTION.test(line)) break;
    const item = ITEM.exec(line);
    if (item) hints.push([item[1] ?? '']);
    else if (hints.length > 0 && (line.trim() === '' || /^\s/.test(line))) {
      hints[hints.length - 1]?.push(line.replace(/^ {3}/, ''));
    }
  }
  return hints.map((lines) => lines.join('\n').trim());
}

export function readHints(lesson: string): string[] {
  return parseHints(readFileSync(lesson, 'utf8'));
}

/** Whether a lesson has a "## Tasks" section with a numbered list (the self-check asks). */
export function hasTasks(markdown: string): boolean {
  const at = markdown.search(/^##\s+Tasks\s*$/m);
  if (at < 0) return false;
  const section = markdown.slice(at).split(/^##\s/m)[1] ?? '';
  return /^\d+\.\s+\S/m.test(section);
}
