import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const known = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** sha256 of a file's bytes; remembered per (path, size, mtime) so a re-run does not read the video again. */
export async function sha256OfFile(path: string): Promise<string> {
  const s = await stat(path);
  const hit = known.get(path);
  if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs) return hit.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  known.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  return sha256;
}

export function sha256OfText(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p).update('\u0000');
  return hash.digest('hex');
}
