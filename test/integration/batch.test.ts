import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BatchManifest } from '../../src/engine/jobs/batchRunner';
import type { RunReport } from '../../src/engine/store/runReport';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

const GOOD = ['h264Mp4', 'vp9Webm', 'mjpegAvi', 'h264Mov', 'mpeg4Mkv', 'short'];
let scratch: string;
let modelDir: string;
let videos: string;

const batchArgs = (out: string, cache: string, extra: string[] = []) => [requireBuilt(CLI), 'batch', videos, '--out', out, '--model', modelDir, '--cache-dir', cache, '--concurrency', '1', ...extra];
const resultFiles = (out: string) =>
  existsSync(join(out, 'results'))
    ? (readdirSync(join(out, 'results'), { recursive: true }) as string[]).filter((f) => f.endsWith('.json') && !f.endsWith('.failed.json')).sort()
    : [];
const manifests = (out: string) => readdirSync(join(out, 'runs')).map((id) => JSON.parse(readFileSync(join(out, 'runs', id, 'manifest.json'), 'utf8')) as BatchManifest).sort((a, b) => a.started_at.localeCompare(b.started_at));

before(async () => {
  ensureVideoFixtures(GOOD);
  ensureBadInputs();
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-batch-'));
  videos = join(scratch, 'videos');
  mkdirSync(join(videos, 'nested'), { recursive: true });
  GOOD.forEach((key, i) => copyFileSync(videoPath(key), join(videos, i % 2 ? 'nested' : '', `clip${i}.${videoPath(key).split('.').pop()}`)));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('cosmos-critic batch', () => {
  it('records a bad video as failed and finishes the others', () => {
    const withBad = join(scratch, 'with-bad');
    mkdirSync(withBad);
    copyFileSync(videoPath('short'), join(withBad, 'good.mp4'));
    copyFileSync(badInputPath('randomBytes'), join(withBad, 'broken.mp4'));
    const out = join(scratch, 'out-bad');
    const r = spawnSync(process.execPath, [requireBuilt(CLI), 'batch', withBad, '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache-bad')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /broken\.mp4: not a readable video/);
    assert.deepEqual(resultFiles(out), ['good.mp4.reward-v1.tiny-model-fp32.json']);
    const rows = readFileSync(join(out, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; video: string });
    assert.deepEqual(rows.map((x) => x.status).sort(), ['failed', 'ok']);
    const [m] = manifests(out);
    assert.deepEqual(m!.counts, { total: 2, done: 1, failed: 1, skipped: 0 });
    assert.equal(m!.status, 'done');
  });

  it('after a kill mid-batch, --resume loses nothing and repeats nothing', async () => {
    const out = join(scratch, 'out-resume');
    const cache = join(scratch, 'cache-resume');
    const child = spawn(process.execPath, batchArgs(out, cache), { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (resultFiles(out).length >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error('the batch finished before it could be killed'));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const before = resultFiles(out);
    assert.ok(before.length >= 2 && before.length < GOOD.length, `${before.length} results before the kill`);
    const mtimes = new Map(before.map((f) => [f, statSync(join(out, 'results', f)).mtimeMs]));
    for (const f of before) assert.equal((JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as CriticResult).schema, 'cosmos-critic/result@1');

    const r = spawnSync(process.execPath, batchArgs(out, cache, ['--resume']), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(resultFiles(out).length, GOOD.length);
    for (const [f, mtime] of mtimes) assert.equal(statSync(join(out, 'results', f)).mtimeMs, mtime, `${f} was rewritten`);
    const runs = manifests(out);
    assert.equal(runs[0]!.status, 'interrupted', 'the next run marks the killed one as interrupted');
    assert.deepEqual(runs[1]!.counts, { total: GOOD.length, done: GOOD.length - before.length, failed: 0, skipped: before.length });
    assert.equal(readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n').length, GOOD.length + 1);
  });

  it('reports match the results', () => {
    const out = join(scratch, 'out-resume');
    const results = resultFiles(out).map((f) => JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as CriticResult);
    const json = spawnSync(process.execPath, [requireBuilt(CLI), 'report', out], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const report = JSON.parse(json.stdout) as RunReport;
    assert.equal(report.totals.results, results.length);
    const [group] = report.groups;
    const scores = results.map((x) => x.reward!.score);
    assert.ok(Math.abs(group!.mean_score! - scores.reduce((a, b) => a + b, 0) / scores.length) < 1e-12);
    assert.equal(group!.histogram.reduce((a, b) => a + b, 0), results.length);
    assert.equal(group!.bands.high + group!.bands.medium + group!.bands.low, results.length);

    const csv = spawnSync(process.execPath, [requireBuilt(CLI), 'report', out, '--format', 'csv'], { encoding: 'utf8' }).stdout.trim().split('\n');
    assert.equal(csv.length, results.length + 1);
    const html = spawnSync(process.execPath, [requireBuilt(CLI), 'report', out, '--format', 'html'], { encoding: 'utf8' });
    assert.equal(html.status, 0);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    assert.doesNotMatch(page, /<script|https?:\/\//);
    for (const x of results) assert.ok(page.includes(`>${x.video.path.split('/').pop()}</a>`));
    assert.match(page, /<svg[^>]+aria-label="score histogram"/);
  });
});
