import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CriticResult } from '../../src/shared/result';
import { batchOutcomeMessage, escapeGlobPath, isExcluded, planBatches, searchExcludeGlob, sortIntoFolder } from '../../src/extension/batch/batchPlan';
import { ResultRowsIndex } from '../../src/extension/results/resultRows';
import { findVideos } from '../../src/engine/jobs/findVideos';

function result(video: string, score: number, model = 'Cosmos-Reason1-7B-Reward'): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: video, sha256: 'ab', duration_s: 3, width: 320, height: 240, fps: 25 },
    mode: 'reward',
    prompt: { id: 'reward', version: 1, sha256: 'cd', path: null },
    model: { backend: 'onnx', id: model, device: 'cpu', precision: 'fp16' },
    sampling: { rule: 'reward', fps: 4, frames: 8, width: 336, height: 252, frame_times_s: [] },
    reward: { score, anomaly: score >= 0.5 ? 'No' : 'Yes', p_yes: 1 - score, p_no: score, band: score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low' },
    violations: score < 0.3 ? [{ category: 'gravity', component: null, start_s: 1, end_s: 2, description: 'floats', trial: 0 }] : [],
    timing_ms: { probe: 1, decode: 1, vision: 1, prefill: 1, generate: 0, total: 4 },
    created_at: '2026-01-01T00:00:00Z',
  } as CriticResult;
}

let dir: string;
const write = (rel: string, data: unknown, mtime?: number) => {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  if (mtime !== undefined) utimesSync(file, mtime, mtime);
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-results-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('results folder rows', () => {
  it('reads results and failures as the report does, and follows changes and deletions', async () => {
    write('results/a.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.json', result('/v/a.mp4', 0.9));
    write('results/nested/b.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.json', result('/v/nested/b.mp4', 0.1));
    write('results/c.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.failed.json', { video: '/v/c.mp4', prompt: { id: 'reward', version: 1 }, model: 'Cosmos-Reason1-7B-Reward-fp16', error: '/v/c.mp4: not a readable video' });
    write('results/half-written.json', '{"schema":');
    const index = new ResultRowsIndex(dir);
    let rows = await index.refresh();
    const byVideo = new Map(rows.map((r) => [r.video, r]));
    assert.equal(rows.length, 3);
    assert.equal(byVideo.get('/v/a.mp4')!.band, 'high');
    assert.equal(byVideo.get('/v/a.mp4')!.result_file, 'results/a.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.json');
    assert.equal(byVideo.get('/v/nested/b.mp4')!.categories, 'gravity');
    assert.equal(byVideo.get('/v/c.mp4')!.status, 'failed');
    assert.equal(byVideo.get('/v/c.mp4')!.model, 'Cosmos-Reason1-7B-Reward-fp16');

    write('results/a.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.json', result('/v/a.mp4', 0.2), Date.now() / 1000 + 5);
    rmSync(join(dir, 'results/nested'), { recursive: true });
    rows = await index.refresh();
    assert.deepEqual(rows.map((r) => [r.video, r.score]).sort(), [['/v/a.mp4', 0.2], ['/v/c.mp4', null]]);
  });

  it('keeps the newest of two files for one video × prompt × model (the player and a batch name them differently)', async () => {
    const now = Date.now() / 1000;
    write('results/d.mp4.reward-v1.Cosmos-Reason1-7B-Reward-fp16.json', result('/v/d.mp4', 0.4), now - 100);
    write('results/d.reward-v1.result.json', result('/v/d.mp4', 0.6), now);
    write('results/d.reward-v1.other.json', result('/v/d.mp4', 0.5, 'other-model'), now - 200);
    const rows = (await new ResultRowsIndex(dir).refresh()).filter((r) => r.video === '/v/d.mp4');
    assert.deepEqual(rows.map((r) => [r.model, r.score]).sort(), [['Cosmos-Reason1-7B-Reward-fp16', 0.6], ['other-model-fp16', 0.5]]);
  });

  it('falls back to summary.jsonl when there is no results/ folder, the last line of a row winning', async () => {
    const other = mkdtempSync(join(tmpdir(), 'cosmos-critic-summary-'));
    try {
      const row = { video: '/v/e.mp4', prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward', status: 'ok', score: 0.3, band: 'medium', anomaly: 'Yes', violations: 0, categories: '', duration_s: 1, error: null, result_file: null };
      writeFileSync(join(other, 'summary.jsonl'), `${JSON.stringify(row)}\n${JSON.stringify({ ...row, score: 0.8, band: 'high' })}\n{"video":`);
      const rows = await new ResultRowsIndex(other).refresh();
      assert.deepEqual(rows.map((r) => r.score), [0.8]);
      assert.deepEqual(await new ResultRowsIndex(join(other, 'missing')).refresh(), []);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('resolves result files inside the folder only', () => {
    assert.equal(ResultRowsIndex.resolve('/ws/.cosmos-critic', 'results/a.json'), join('/ws/.cosmos-critic', 'results/a.json'));
    assert.equal(ResultRowsIndex.resolve('/ws/.cosmos-critic', '../../etc/passwd'), undefined);
    assert.equal(ResultRowsIndex.resolve('/ws/.cosmos-critic', '/etc/passwd'), undefined);
  });
});

describe('batch planning', () => {
  it('groups videos by results folder and workspace folder, leaving out videos inside a results folder', () => {
    const plans = planBatches([
      { video: '/ws1/b.mp4', root: '/ws1', outDir: '/ws1/.cosmos-critic' },
      { video: '/ws1/a.mp4', root: '/ws1', outDir: '/ws1/.cosmos-critic' },
      { video: '/ws1/.cosmos-critic/proxies/a.mp4', root: '/ws1', outDir: '/ws1/.cosmos-critic' },
      { video: '/ws2/c.mp4', root: '/ws2', outDir: '/ws2/.cosmos-critic' },
      { video: '/ws1/a.mp4', root: '/ws1', outDir: '/ws1/.cosmos-critic' },
    ]);
    assert.deepEqual(plans, [
      { outDir: '/ws1/.cosmos-critic', videosRoot: '/ws1', videos: ['/ws1/a.mp4', '/ws1/b.mp4'] },
      { outDir: '/ws2/.cosmos-critic', videosRoot: '/ws2', videos: ['/ws2/c.mp4'] },
    ]);
  });

  it('escapes glob characters in paths so the server reads them as files', async () => {
    assert.equal(escapeGlobPath('/v/plain clip.mp4'), '/v/plain clip.mp4');
    assert.equal(escapeGlobPath('/v/take[1]{a}*?.mp4'), '/v/take[[]1[]][{]a[}][*][?].mp4');
    const videos = join(dir, 'videos');
    write('videos/take[1]{a}.mp4', 'x');
    write('videos/take1a.mp4', 'x');
    write('videos/plain.mp4', 'x');
    const found = await findVideos([escapeGlobPath(join(videos, 'take[1]{a}.mp4')), join(videos, 'plain.mp4')]);
    assert.deepEqual(found, [join(videos, 'plain.mp4'), join(videos, 'take[1]{a}.mp4')]);
  });

  it('applies exclude globs to workspace-relative paths and joins them for a file search', () => {
    const exclude = ['**/node_modules/**', '**/.cosmos-critic/**'];
    assert.ok(isExcluded('a/node_modules/x/v.mp4', exclude));
    assert.ok(isExcluded('.cosmos-critic/proxies/v.mp4', exclude));
    assert.ok(!isExcluded('clips/v.mp4', exclude));
    assert.equal(searchExcludeGlob(exclude), '{**/node_modules/**,**/.cosmos-critic/**}');
    assert.equal(searchExcludeGlob(['**/tmp/**']), '**/tmp/**');
    assert.equal(searchExcludeGlob(['**/*.{tmp,bak}']), null);
    assert.equal(searchExcludeGlob([]), null);
  });

  it('says how a batch went', () => {
    assert.equal(batchOutcomeMessage(10, 2, { total: 20, done: 15, failed: 1, skipped: 4 }, false), 'Cosmos Critic: 10 videos × 2 prompts finished: 15 done, 1 failed, 4 already done.');
    assert.match(batchOutcomeMessage(1, 1, { total: 1, done: 0, failed: 0, skipped: 0 }, true), /^Cosmos Critic: cancelled after 0 of 1 jobs \(1 video × 1 prompt\).*run the command again to go on\.$/);
  });
});

describe('batch: the sort-into setting', () => {
  it('is off when empty, under the workspace folder when relative, and links unless copy is asked for', () => {
    assert.equal(sortIntoFolder('', 'copy', '/ws'), undefined);
    assert.deepEqual(sortIntoFolder('sorted', undefined, '/ws'), { dir: join('/ws', 'sorted'), mode: 'link' });
    assert.deepEqual(sortIntoFolder('/data/sorted/', 'copy', '/ws'), { dir: join('/data/sorted', '/'), mode: 'copy' });
    assert.deepEqual(sortIntoFolder('/data/sorted', 'move', undefined), { dir: '/data/sorted', mode: 'link' });
    assert.equal(sortIntoFolder('sorted', 'link', undefined), undefined, 'a relative folder needs a workspace folder');
  });
});
