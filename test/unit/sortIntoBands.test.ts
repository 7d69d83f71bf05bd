import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sortIntoBands } from '../../src/engine/eval/sortIntoBands';

let dir: string;
let videos: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-sort-'));
  videos = join(dir, 'videos');
  mkdirSync(join(videos, 'cam1'), { recursive: true });
  mkdirSync(join(videos, 'cam2'), { recursive: true });
  for (const rel of ['cam1/a.mp4', 'cam2/a.mp4', 'cam1/b.mp4', 'cam1/c.mp4']) writeFileSync(join(videos, rel), rel);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (rel: string, score: number | null, prompt = 'reward') => ({ video: join(videos, rel), prompt_id: prompt, prompt_version: '1', status: score === null ? 'failed' : 'ok', score });

describe('sorting videos into band folders', () => {
  it('links by calibrated band, keeps paths under the root (no clashes), leaves unscored videos out', async () => {
    const out = join(dir, 'sorted');
    const outcome = await sortIntoBands([row('cam1/a.mp4', 0.9), row('cam2/a.mp4', 0.5), row('cam1/b.mp4', 0.1), row('cam1/c.mp4', null)], videos, out, { high: 0.8, low: 0.2 }, 'link');
    assert.deepEqual(outcome, { placed: { good: 1, uncertain: 1, bad: 1 }, unscored: [join(videos, 'cam1/c.mp4')], errors: [] });
    assert.equal(readlinkSync(join(out, 'good', 'cam1/a.mp4')), join(videos, 'cam1/a.mp4'));
    assert.equal(readlinkSync(join(out, 'uncertain', 'cam2/a.mp4')), join(videos, 'cam2/a.mp4'));
    assert.equal(readlinkSync(join(out, 'bad', 'cam1/b.mp4')), join(videos, 'cam1/b.mp4'));
    assert.ok(!existsSync(join(out, 'bad', 'cam1/c.mp4')));
    // Again with new scores: a video that changed band leaves its old folder.
    await sortIntoBands([row('cam1/a.mp4', 0.1)], videos, out, { high: 0.8, low: 0.2 }, 'link');
    assert.ok(!existsSync(join(out, 'good', 'cam1/a.mp4')));
    assert.ok(lstatSync(join(out, 'bad', 'cam1/a.mp4')).isSymbolicLink());
  });

  it('copies on request, and sorts per prompt when there are several', async () => {
    const out = join(dir, 'copied');
    const outcome = await sortIntoBands([row('cam1/a.mp4', 0.9), row('cam1/a.mp4', 0.1, 'critic')], videos, out, { high: 0.7, low: 0.3 }, 'copy');
    assert.deepEqual(outcome.placed, { good: 1, uncertain: 0, bad: 1 });
    const copy = join(out, 'reward-v1', 'good', 'cam1/a.mp4');
    assert.ok(!lstatSync(copy).isSymbolicLink());
    assert.equal(readFileSync(copy, 'utf8'), 'cam1/a.mp4');
    assert.ok(existsSync(join(out, 'critic-v1', 'bad', 'cam1/a.mp4')));
  });
});
