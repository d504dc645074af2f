/**
 * vitest runs specs in child processes. A learner's infinite loop blocks one for
 * good: it never answers vitest's request to stop, and would spin on after the
 * runner gave up on it. So the runner ends its own children itself.
 * `ps -A -o pid=,ppid=` is POSIX: Linux, macOS and WSL.
 */
import { execFileSync } from 'node:child_process';

export function children(parent = process.pid): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, ppid]) => ppid === parent && pid !== undefined && pid > 0)
    .map(([pid]) => pid as number);
}

/** Sends SIGKILL to every child of this process; a child already gone is no error. */
export function killChildren(): void {
  for (const pid of children()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended on its own in the meantime.
    }
  }
}
