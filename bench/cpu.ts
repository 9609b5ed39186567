/** CPU time for benchmarks: this process (all its threads) and the children it has waited for. */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  /** This process, every thread (user + system), seconds. */
  readonly own_s: number;
  /** Reaped children (ffmpeg), seconds; 0 where /proc is missing. */
  readonly children_s: number;
}

export const cpuTimes = (): CpuTimes => {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const f = readFileSync('/proc/self/stat', 'latin1');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, clock ticks of 1/100 s
  } catch {
    /* not Linux */
  }
  return { own_s: (own.user + own.system) / 1e6, children_s: children };
};

export const cpuSince = (a: CpuTimes): CpuTimes => {
  const b = cpuTimes();
  return { own_s: b.own_s - a.own_s, children_s: b.children_s - a.children_s };
};
