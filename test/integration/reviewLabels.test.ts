import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvalReport } from '../../src/engine/eval/evaluateLabels';
import { LabelStore } from '../../src/engine/labels/labelStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

// Five videos scored by the tiny model, labelled through the label store as review mode labels them (names relative
// to the workspace folder), then evaluated by `cosmos-critic eval --labels` from the file the store wrote.
const CLIPS = ['h264Mp4', 'vp9Webm', 'mjpegAvi', 'h264Mov', 'short'];
let scratch: string;
let videos: string;
let out: string;

const cli = (args: string[]) => spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8' });

before(async () => {
  ensureVideoFixtures(CLIPS);
  const modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-review-labels-'));
  videos = join(scratch, 'workspace');
  mkdirSync(join(videos, 'clips'), { recursive: true });
  CLIPS.forEach((key, i) => copyFileSync(videoPath(key), join(videos, 'clips', `clip${i}.${videoPath(key).split('.').pop()}`)));
  out = join(videos, '.cosmos-critic');
  const r = cli(['batch', join(videos, 'clips'), '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache'), '--concurrency', '1']);
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('labels saved by review mode feed cosmos-critic eval', () => {
  it('eval reads the labels file the store writes, with the expected counts', async () => {
    const file = join(out, 'labels.jsonl');
    const first = await LabelStore.open(file, { user: 'ana' });
    const second = await LabelStore.open(file, { user: 'bo' });
    await first.set('clips/clip0.mp4', 'good', []);
    await first.set('clips/clip1.webm', 'bad', [{ start_s: 0.2, end_s: 0.6, category: 'gravity', source: 'added' }]);
    // Another window labels meanwhile; neither loses the other's labels.
    await second.set('clips/clip2.avi', 2, [
      { start_s: 0.1, end_s: 0.3, category: 'collision', source: 'added' },
      { start_s: 0.5, end_s: 0.9, category: 'object_permanence', source: 'added' },
    ]);
    await first.set('clips/clip3.mov', 5, []);
    await first.set('clips/clip4.mp4', 'good', []);
    await first.remove('clips/clip4.mp4');
    await first.set('clips/clip4.mp4', 'bad', []);

    const r = cli(['eval', out, '--labels', file, '--bootstrap', '50']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as EvalReport;
    assert.deepEqual(report.labels_without_result, []);
    assert.equal(report.runs.length, 1);
    const run = report.runs[0]!;
    assert.equal(run.n, 5);
    assert.equal(run.unscored.length, 0);
    assert.ok(run.timestamps);
    assert.equal(run.timestamps.videos, 5);
    assert.equal(run.timestamps.labelled, 3);
    assert.equal(run.timestamps.predicted, 0, 'reward results give no violation times');
    assert.match(r.stderr, /eval: 5 labels/);
    assert.ok(run.bands, 'good and bad both present: the bands are evaluated');
  });
});
