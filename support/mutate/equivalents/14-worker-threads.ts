import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'not measurable',
    file: 'hash-server.ts',
    why: "sha256Rounds() and hashWorker()'s body run only in the worker threads, which load the file from disk through tsx, outside Stryker's instrumented module and its coverage: no mutant there is ever active (the specs check the digests against node:crypto)",
  },
] satisfies readonly Judgement[];
