/**
 * CPU time of a process (and of its threads) from /proc, Linux only. Unlike requests/s it barely
 * moves when other processes compete for the CPUs, so the CPU time per hook is the steadier figure
 * on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** utime + stime (ms) from the text of a /proc stat file. */
export function cpuMsOfStat(stat: string, ticks: number): number {
  // The command name (field 2) is in parentheses and may hold spaces; fields count on after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks; // utime, stime
}

/** CPU time (user + system, ms) a process has used so far, every thread together; null when unreadable. */
export function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticksPerSecond());
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) of each thread of a process by thread name (`main` for the main thread; node
 * names the others, e.g. `libuv-worker`, `V8Worker`), summed over threads of one name. Threads
 * that ended are not in it (their time is in cpuMsOf's total).
 */
export function threadCpuMsOf(pid: number | undefined): Map<string, number> {
  const byName = new Map<string, number>();
  if (pid === undefined) return byName;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const ms = cpuMsOfStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'), ticksPerSecond());
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}
