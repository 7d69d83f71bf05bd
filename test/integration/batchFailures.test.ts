// A batch whose own output fails (a full disk) or whose process is stopped: it ends, says why in one line naming the
// file, and its manifest tells what happened.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BatchManifest } from '../../src/engine/jobs/batchRunner';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

/** A hang guard, not a speed test (the old runner never ended after a full disk). */
const HANG_GUARD_MS = 300_000;

let scratch: string;
let modelDir: string;

const manifests = (out: string) =>
  readdirSync(join(out, 'runs'))
    .map((id) => JSON.parse(readFileSync(join(out, 'runs', id, 'manifest.json'), 'utf8')) as BatchManifest)
    .sort((a, b) => a.started_at.localeCompare(b.started_at));

/** A tmpfs of `size` at `dir`, or why there cannot be one here (it needs root, or a kernel that allows it). */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `mounting a ${size} tmpfs failed (${(r.stderr || r.error?.message || '').trim()}): a full disk cannot be simulated without root`;
}

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4', 'mjpegAvi', 'h264Mov']);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-batch-failures-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('batch: output that cannot be written, processes that are stopped', () => {
  it('a full disk ends the run with one error naming the file, and the manifest says "failed"', async (t) => {
    const videos = join(scratch, 'same');
    mkdirSync(videos);
    // The same bytes under several names: one inference, then cache hits, so the disk fills fast.
    for (let i = 0; i < 8; i++) copyFileSync(videoPath('short'), join(videos, `clip${i}.mp4`));
    const out = join(scratch, 'full');
    const why = mountTmpfs(out, '16k');
    if (why) return t.skip(why);
    try {
      const child = spawn(process.execPath, [requireBuilt(CLI), 'batch', videos, '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache-full'), '--concurrency', '1', '--batch-size', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
      const [code, signal] = (await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])))) as [number | null, string | null];
      clearTimeout(guard);
      assert.equal(signal, null, `the run did not end within ${HANG_GUARD_MS} ms after the disk filled`);
      assert.equal(code, 1, stderr);
      const lines = stderr.split('\n').filter((l) => l.startsWith('cosmos-critic: '));
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, new RegExp(`^cosmos-critic: cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+: no space left on the device: free some space or write somewhere else \\(ENOSPC\\)$`));
      const [manifest] = manifests(out);
      assert.equal(manifest!.status, 'failed');
      assert.match(manifest!.error!, /no space left on the device/);
      assert.ok(manifest!.counts.done >= 1 && manifest!.counts.done < 8, `${manifest!.counts.done} done`);
    } finally {
      spawnSync('umount', [out]);
    }
  });

  it('SIGTERM cancels: the manifest says "cancelled" and keeps what finished', async () => {
    const videos = join(scratch, 'distinct');
    mkdirSync(videos);
    for (const key of ['short', 'h264Mp4', 'mjpegAvi', 'h264Mov']) copyFileSync(videoPath(key), join(videos, `${key}.${videoPath(key).split('.').pop()}`));
    const out = join(scratch, 'term');
    const child = spawn(process.execPath, [requireBuilt(CLI), 'batch', videos, '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache-term'), '--concurrency', '1'], { stdio: 'ignore' });
    const summary = join(out, 'summary.jsonl');
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(summary) && readFileSync(summary, 'utf8').trim()) {
          clearInterval(timer);
          child.kill('SIGTERM');
          resolve();
        }
      }, 20);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error('the batch finished before it could be stopped'));
      });
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 143);
    const [manifest] = manifests(out);
    assert.equal(manifest!.status, 'cancelled');
    assert.ok(manifest!.counts.done >= 1 && manifest!.counts.done < 4);
    assert.ok(manifest!.ended_at);
  });
});
