/**
 * The one loud error every stub throws. The runner recognises it by name and
 * turns it into "write parseHosts() in katas/01-…/hosts.ts", with the lesson's path.
 */
export const KATA_TODO = 'KataTodo';

export class KataTodo extends Error {
  override readonly name = KATA_TODO;
  constructor(readonly functionName: string) {
    super(`${functionName}() is not written yet: this is your part. Read the lesson's tasks.`);
  }
}
