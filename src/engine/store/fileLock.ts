import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FileLockOptions {
  /** A lock file older than this is taken to be left by a process that died holding it. */
  staleMs?: number;
  /** Give up waiting after this long, with an error naming the lock file. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding `lockPath`, a file created exclusively (O_EXCL), so that processes sharing a folder take
 * turns. A lock left behind by a dead process is cleared once it is older than `staleMs`.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > staleMs) {
      // Moved aside under a unique name first, so two processes clearing it at once remove it only once.
      const aside = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}.stale`;
      await rename(lockPath, aside).then(() => rm(aside, { force: true }), () => undefined);
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${lockPath}: another process has held this lock for over ${Math.round(timeoutMs / 1000)} s; if none is running, delete the file`);
    await sleep(Math.min(100, 5 + attempt * 5) * (0.5 + Math.random()));
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
