import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResultStore, failureMessage } from '../../src/engine/store/resultStore';
import { MAX_RESULT_FILE_BYTES } from '../../src/shared/limits';
import type { CriticResult } from '../../src/shared/result';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function result(video: string, score: number, model: Partial<CriticResult['model']> = {}): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: video, sha256: 'v', duration_s: 3, width: 320, height: 240, fps: 25 },
    mode: 'reward',
    prompt: { id: 'reward', version: 1, sha256: 'p1', path: null },
    status: 'ok',
    model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32', ...model },
    sampling: { rule: 'reward', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 3] },
    reward: { score, anomaly: 'No', p_yes: 1 - score, p_no: score, band: 'high' },
    violations: [],
    timing_ms: { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 },
    created_at: '2025-01-01T00:00:00.000Z',
  } as CriticResult;
}

/** Every file under a folder, relative and "/"-separated, sorted. */
const tree = (folder: string) => (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
  .filter((e) => e.isFile())
  .map((e) => join(e.parentPath, e.name).slice(folder.length + 1).split('\\').join('/'))
  .sort();

const put = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

describe('result store: names', () => {
  it('name a result by the video path under the videos root, with its extension, the prompt and the model', () => {
    const store = new ResultStore('/ws/.cosmos-critic', { videosRoot: '/ws' });
    const key = { video: '/ws/clips/take 1/a.mp4', promptId: 'robot critic/v', promptVersion: 3, model: 'nvidia/Cosmos-Reason1-7B' };
    assert.equal(store.fileFor(key), '/ws/.cosmos-critic/results/clips/take 1/a.mp4.robot_critic_v-v3.nvidia_Cosmos-Reason1-7B.json');
    assert.equal(store.fileFor(key, 'failure'), '/ws/.cosmos-critic/results/clips/take 1/a.mp4.robot_critic_v-v3.nvidia_Cosmos-Reason1-7B.failed.json');
  });

  it('name a video outside the videos root (or with none) by its own file name', () => {
    const key = { video: '/elsewhere/b.mov', promptId: 'reward', promptVersion: '1', model: 'tiny-fp32' };
    assert.equal(new ResultStore('/ws/.cc', { videosRoot: '/ws' }).fileFor(key), '/ws/.cc/results/b.mov.reward-v1.tiny-fp32.json');
    assert.equal(new ResultStore('/ws/.cc').fileFor(key), '/ws/.cc/results/b.mov.reward-v1.tiny-fp32.json');
    // A folder whose name starts like the root's is not inside it.
    assert.equal(new ResultStore('/out', { videosRoot: '/ws' }).videoName('/ws2/c.mp4'), 'c.mp4');
  });

  it('for a set of videos: the given root when it holds them all, else their common folder', () => {
    assert.equal(ResultStore.forVideos('/out', ['/ws/a/x.mp4', '/ws/b/y.mp4'], '/ws').videosRoot, '/ws');
    assert.equal(ResultStore.forVideos('/out', ['/ws/a/x.mp4', '/other/y.mp4'], '/ws').videosRoot, '/');
    assert.equal(ResultStore.forVideos('/out', ['/v/a/x.mp4', '/v/a/b/y.mp4']).videoName('/v/a/b/y.mp4'), 'b/y.mp4');
  });
});

describe('result store: writing, listing, reading', () => {
  it('two videos that differ only in extension get two files, each read back with its own result', async () => {
    const root = join(dir, 'ext');
    const store = ResultStore.forVideos(root, ['/v/a.mp4', '/v/a.mov']);
    const mp4 = await store.writeResult(result('/v/a.mp4', 0.9));
    const mov = await store.writeResult(result('/v/a.mov', 0.2));
    assert.notEqual(mp4, mov);
    assert.deepEqual(tree(root), ['results/a.mov.reward-v1.tiny-fp32.json', 'results/a.mp4.reward-v1.tiny-fp32.json']);
    const read = await Promise.all((await store.listFiles()).map((f) => store.read(f)));
    assert.deepEqual(read.map((r) => (r?.kind === 'result' ? [r.result.video.path, r.result.reward!.score] : r)), [['/v/a.mov', 0.2], ['/v/a.mp4', 0.9]]);
  });

  it('writes atomically: many writers of one file leave one whole result and no temporary files', async () => {
    const root = join(dir, 'atomic');
    const store = new ResultStore(root, { videosRoot: '/v' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.writeResult(result('/v/clips/a.mp4', i / 40))));
    assert.deepEqual(tree(root), ['results/clips/a.mp4.reward-v1.tiny-fp32.json']);
    const written = JSON.parse(readFileSync(join(root, 'results/clips/a.mp4.reward-v1.tiny-fp32.json'), 'utf8')) as CriticResult;
    assert.equal(written.video.path, '/v/clips/a.mp4');
  });

  it('a result removes the failure record of an earlier try; a failure keeps the earlier result', async () => {
    const root = join(dir, 'failures');
    const store = new ResultStore(root, { videosRoot: '/v' });
    const key = { video: '/v/a.mp4', promptId: 'reward', promptVersion: 1, model: 'tiny-fp32' };
    const { file, record } = await store.writeFailure(key, failureMessage('/v/a.mp4', new Error('not a readable video')), new Date('2025-02-03T04:05:06Z'));
    assert.equal(file, join(root, 'results/a.mp4.reward-v1.tiny-fp32.failed.json'));
    assert.deepEqual(record, { video: '/v/a.mp4', prompt: { id: 'reward', version: 1 }, model: 'tiny-fp32', error: '/v/a.mp4: not a readable video', created_at: '2025-02-03T04:05:06.000Z' });
    assert.deepEqual(await store.read(file), { kind: 'failure', file, failure: record });
    await store.writeResult(result('/v/a.mp4', 0.5));
    assert.deepEqual(tree(root), ['results/a.mp4.reward-v1.tiny-fp32.json']);
    assert.equal((await store.resultFor(key))?.reward?.score, 0.5);
    await store.writeFailure(key, 'again');
    assert.deepEqual(tree(root), ['results/a.mp4.reward-v1.tiny-fp32.failed.json', 'results/a.mp4.reward-v1.tiny-fp32.json']);
  });

  it('failure messages mask secrets and name the video once', () => {
    assert.equal(failureMessage('/v/a.mp4', new Error('http://h/v1 refused Authorization: Bearer sk-abcdefghijklmnopqrstuvwxyz')), '/v/a.mp4: http://h/v1 refused Authorization: Bearer ***');
    assert.equal(failureMessage('/v/a.mp4', new Error('/v/a.mp4: empty file')), '/v/a.mp4: empty file');
  });

  it('lists results at any depth, with or without failure records, never temporary or other files', async () => {
    const root = join(dir, 'list');
    const store = new ResultStore(root);
    const results = join(root, 'results');
    put(join(results, 'x/y/deep.mp4.reward-v1.m.json'), '{}');
    put(join(results, 'b.mp4.reward-v1.m.failed.json'), '{}');
    put(join(results, 'a.mp4.reward-v1.m.json.4242.lmno1234.tmp'), '{"half');
    put(join(results, 'notes.txt'), 'x');
    // Written by the player before there was a store: listed and read like any result.
    put(join(results, 'ball.reward-v1.result.json'), JSON.stringify(result('/v/ball.mp4', 0.7)));
    put(join(root, 'runs/r1/manifest.json'), '{}');
    assert.deepEqual((await store.listFiles()).map((f) => f.slice(results.length + 1)), ['b.mp4.reward-v1.m.failed.json', 'ball.reward-v1.result.json', 'x/y/deep.mp4.reward-v1.m.json']);
    assert.deepEqual((await store.listFiles({ failures: false })).map((f) => f.slice(results.length + 1)), ['ball.reward-v1.result.json', 'x/y/deep.mp4.reward-v1.m.json']);
    const old = await store.read(join(results, 'ball.reward-v1.result.json'));
    assert.equal(old?.kind === 'result' && old.result.reward?.score, 0.7);
    // The listing streams: a reader may stop after the first file.
    for await (const file of store.files()) {
      assert.ok(file.startsWith(results));
      break;
    }
    assert.deepEqual(await new ResultStore(join(dir, 'nothing')).listFiles(), []);
  });

  it('reading names what is wrong with a damaged file, and passes over JSON that is not a result', async () => {
    const root = join(dir, 'damaged');
    const store = new ResultStore(root);
    const at = (name: string, text: string) => put(join(root, 'results', name), text);
    const problem = async (file: string) => {
      const read = await store.read(file);
      assert.equal(read?.kind, 'problem', file);
      return read?.kind === 'problem' ? read.problem : '';
    };
    assert.match(await problem(at('cut.json', '{"schema":"cosmos-critic/result@1","vid')), /^not valid JSON \(.+\): the file is damaged or was cut short; re-run the video/);
    const { model: _, ...noModel } = result('/v/a.mp4', 0.5);
    assert.match(await problem(at('incomplete.json', JSON.stringify(noModel))), /^an incomplete result \(no "model\.backend" and "model\.id"\)/);
    assert.match(await problem(at('score.json', JSON.stringify({ ...result('/v/a.mp4', 0.5), reward: { score: 'high' } }))), /"reward\.score" is not a number/);
    assert.match(await problem(at('list.json', '[1, 2]')), /^holds a list, not a result/);
    assert.match(await problem(at('x.failed.json', '{"error":"boom"}')), /^a failure record without "video"/);
    const big = at('big.json', '');
    truncateSync(big, MAX_RESULT_FILE_BYTES + 1);
    assert.match(await problem(big), new RegExp(`^too large to be a result \\(${MAX_RESULT_FILE_BYTES + 1} bytes, limit ${MAX_RESULT_FILE_BYTES}\\)`));
    assert.equal(await store.read(at('other.json', '{"schema":"cosmos-critic/run@1"}')), undefined);
    assert.equal(await store.read(join(root, 'results', 'gone.json')), undefined);
    // A critique with no parsed trial has no score: unparsed, not damaged.
    const unparsed = { ...result('/v/a.mp4', 0), mode: 'critic', reward: undefined, critic: { score: null, trials: [] } };
    assert.equal((await store.read(at('unparsed.json', JSON.stringify(unparsed))))?.kind, 'result');
    assert.equal(store.readSync(join(root, 'results', 'unparsed.json'))?.kind, 'result');
  });

  it('keeps run manifests and summaries beside results/', async () => {
    const root = join(dir, 'runs');
    const store = new ResultStore(root);
    assert.equal(store.summaryFile('csv'), join(root, 'summary.csv'));
    put(store.manifestFile('2025-02-01-b'), '{}');
    put(store.manifestFile('2025-01-01-a'), '{}');
    put(join(root, 'runs', 'stray.txt'), '');
    assert.deepEqual(await store.manifestFiles(), [store.manifestFile('2025-01-01-a'), store.manifestFile('2025-02-01-b')]);
  });
});
