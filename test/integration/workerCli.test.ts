import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

let scratch: string;
let modelDir: string;
let videos: string[];
let promptFile: string;

function batch(name: string, extra: string[]): { status: number | null; stderr: string; scores: Record<string, number | null>; manifestDevice?: string } {
  const out = join(scratch, name);
  const r = spawnSync(process.execPath, [requireBuilt(CLI), 'batch', ...videos, '--out', out, '--model', modelDir, '--prompt', promptFile, '--cache-dir', join(scratch, `cache-${name}`), ...extra], { encoding: 'utf8' });
  if (r.status !== 0) return { status: r.status, stderr: r.stderr, scores: {} };
  const rows = readFileSync(join(out, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { video: string; score: number | null });
  return { status: r.status, stderr: r.stderr, scores: Object.fromEntries(rows.map((row) => [row.video, row.score])) };
}

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4', 'vp9Webm']);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-worker-cli-'));
  videos = (['short', 'h264Mp4', 'vp9Webm'] as const).map((v) => videoPath(v));
  promptFile = join(scratch, 'small.prompt.md');
  writeFileSync(promptFile, `---\nid: small-reward\nversion: 1\nmode: reward\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n`);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('cosmos-critic batch --workers', () => {
  it('two worker processes give the scores of the in-process engine', () => {
    const single = batch('single', []);
    const workers = batch('workers', ['--workers', '2']);
    assert.equal(single.status, 0, single.stderr);
    assert.equal(workers.status, 0, workers.stderr);
    assert.equal(Object.keys(single.scores).length, 3);
    assert.deepEqual(workers.scores, single.scores);
  });

  it('bad worker flags are one usage error each', () => {
    for (const [args, message] of [
      [['--workers', '0'], /--workers must be a whole number from 1 to 64, not "0"/],
      [['--devices', '0,x'], /--devices must list distinct CUDA device numbers such as 0,1/],
      [['--workers', '2', '--devices', '0'], /either --workers N \(CPU\) or --devices/],
    ] as const) {
      const r = batch('bad', [...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
