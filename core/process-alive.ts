/**
 * Is a process (or a process group) still running on this host? Zombies count as gone: a killed
 * process whose parent has not reaped it yet holds nothing. On Linux the answer comes from
 * /proc (which shows zombies and process groups); elsewhere from `kill(pid, 0)`.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  state: string;
  pgrp: number;
  /** Start time after boot in clock ticks: with the pid, it names one process (pids are reused). */
  start: string;
}

function procStat(pid: number): ProcStat | undefined | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? undefined : null;
  }
  // `pid (comm) state ppid pgrp ...`; comm may contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '', pgrp: Number(rest[2]), start: rest[19] ?? '' };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

function killZero(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const running = (s: ProcStat): boolean => s.state !== 'Z' && s.state !== 'X';

/** An identity of the running process `pid` that changes when the pid is reused (Linux); undefined elsewhere. */
export function processStartId(pid: number): string | undefined {
  if (!hasProc) return undefined;
  const s = procStat(pid);
  return s ? s.start || undefined : undefined;
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (hasProc) {
    const s = procStat(pid);
    if (s === null) return killZero(pid);
    return s !== undefined && running(s);
  }
  return killZero(pid);
}

/** True while any non-zombie process is in process group `pgid`. */
export function processGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  if (!killZero(-pgid)) return false;
  if (!hasProc) return true;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.pgrp === pgid && running(s)) return true;
  }
  return false;
}
