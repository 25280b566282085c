import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The running server's pid, for tools that must not open the embedded database beside it (backup, restore). */
export const pidFileOf = (dataDir: string) => path.join(dataDir, 'tongbu.pid');

export function writePidFile(dataDir: string): () => void {
  const file = pidFileOf(dataDir);
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}

/** The pid of a live server on this DATA_DIR, or null (no file, or a stale one left by a crash). */
export function runningServerPid(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFileOf(dataDir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
