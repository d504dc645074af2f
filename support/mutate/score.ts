/**
 * From Stryker's mutant results to one kata's standing: each undetected mutant is
 * matched against the kata's judgements (judgement.ts); the score counts only the
 * mutants left: killed / (killed + survived), equivalent and not measurable set aside.
 */
import type { Judgement } from './judgement.ts';

/** One mutant as the report needs it; `original` is the code the mutant replaced. */
export interface Mutant {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  readonly status: string;
}

export interface Standing {
  readonly mutants: number;
  readonly killed: number;
  readonly survived: readonly Mutant[];
  readonly equivalent: readonly { readonly mutant: Mutant; readonly why: string }[];
  readonly notMeasurable: readonly { readonly mutant: Mutant; readonly why: string }[];
  /** Invalid mutants (they broke compilation or the module): not counted. */
  readonly errors: number;
  /** Judgements that matched no mutant: the code changed under them. */
  readonly stale: readonly Judgement[];
  /** killed / (killed + survived), in percent; undefined when nothing counts. */
  readonly score: number | undefined;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const INVALID = new Set(['CompileError', 'RuntimeError']);

function judgementFor(mutant: Mutant, judgements: readonly Judgement[]): Judgement | undefined {
  return judgements.find((j) =>
    j.verdict === 'equivalent'
      ? j.file === mutant.file &&
        j.mutator === mutant.mutator &&
        j.original === mutant.original &&
        j.replacement === mutant.replacement
      : j.file === mutant.file && mutant.status === 'NoCoverage',
  );
}

export function standing(mutants: readonly Mutant[], judgements: readonly Judgement[]): Standing {
  let killed = 0;
  let errors = 0;
  const survived: Mutant[] = [];
  const equivalent: { mutant: Mutant; why: string }[] = [];
  const notMeasurable: { mutant: Mutant; why: string }[] = [];
  const used = new Set<Judgement>();
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) killed++;
    else if (INVALID.has(mutant.status)) errors++;
    else if (UNDETECTED.has(mutant.status)) {
      const judgement = judgementFor(mutant, judgements);
      if (judgement === undefined) survived.push(mutant);
      else {
        used.add(judgement);
        const list = judgement.verdict === 'equivalent' ? equivalent : notMeasurable;
        list.push({ mutant, why: judgement.why });
      }
    }
  }
  const counted = killed + survived.length;
  return {
    mutants: killed + survived.length + equivalent.length + notMeasurable.length,
    killed,
    survived,
    equivalent,
    notMeasurable,
    errors,
    stale: judgements.filter((j) => !used.has(j)),
    score: counted === 0 ? undefined : (100 * killed) / counted,
  };
}
