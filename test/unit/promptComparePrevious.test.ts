import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPrevious, pairByVideo, promptTextState, recordedPrompts, type RecordedResult } from '../../src/extension/prompts/previousResult';

let counter = 0;
function entry(fields: Partial<RecordedResult>): RecordedResult {
  counter++;
  return {
    file: `/w/.cosmos-critic/results/r${counter}.result.json`,
    mode: 'critic',
    promptId: 'physics-critic',
    version: '1',
    promptSha: 'sha-1',
    promptPath: '/w/physics.prompt.md',
    videoPath: '/w/videos/ball.mp4',
    videoSha: 'ball',
    createdAt: '2025-01-01T00:00:00.000Z',
    mtimeMs: 0,
    ...fields,
  };
}

describe('findPrevious', () => {
  const run = { promptId: 'physics-critic', version: 3, promptSha: 'sha-3', videoPath: '/w/videos/ball.mp4' };

  it('is the latest result of the same prompt id and video with another version or text', () => {
    const v1 = entry({ version: '1', promptSha: 'sha-1', createdAt: '2025-01-01T00:00:00Z' });
    const v2 = entry({ version: '2', promptSha: 'sha-2', createdAt: '2025-01-02T00:00:00Z' });
    const same = entry({ version: '3', promptSha: 'sha-3', createdAt: '2025-01-03T00:00:00Z' });
    const otherVideo = entry({ version: '2', promptSha: 'sha-2b', videoPath: '/w/videos/cup.mp4', videoSha: 'cup', createdAt: '2025-01-04T00:00:00Z' });
    const otherPrompt = entry({ promptId: 'reward', version: '9', createdAt: '2025-01-05T00:00:00Z' });
    assert.equal(findPrevious([v1, v2, same, otherVideo, otherPrompt], run), v2);
  });

  it('counts an edit without a version bump (same version, other sha256) as previous', () => {
    const edited = entry({ version: '3', promptSha: 'sha-3-draft', createdAt: '2025-01-03T00:00:00Z' });
    const older = entry({ version: '2', promptSha: 'sha-2', createdAt: '2025-01-02T00:00:00Z' });
    assert.equal(findPrevious([older, edited], run), edited);
  });

  it('compares the version as text (3 and "3" are one version)', () => {
    assert.equal(findPrevious([entry({ version: '3', promptSha: 'sha-3' })], { ...run, version: '3' }), undefined);
    assert.equal(findPrevious([entry({ version: '3', promptSha: 'sha-3' })], run), undefined);
  });

  it('matches the same video by resolved path, or by content hash once known', () => {
    const moved = entry({ version: '2', videoPath: '/w/old/ball.mp4', videoSha: 'ball' });
    assert.equal(findPrevious([moved], run), undefined);
    assert.equal(findPrevious([moved], { ...run, videoSha: 'ball' }), moved);
    const dotted = entry({ version: '2', videoPath: '/w/videos/../videos/ball.mp4' });
    assert.equal(findPrevious([dotted], run), dotted);
  });

  it('ties on created_at go to the newer file', () => {
    const a = entry({ version: '2', mtimeMs: 10 });
    const b = entry({ version: '1', mtimeMs: 20 });
    assert.equal(findPrevious([a, b], run), b);
    assert.equal(findPrevious([], run), undefined);
  });
});

describe('recordedPrompts / pairByVideo / promptTextState', () => {
  it('groups by id, then by version + text, newest first, with the latest result per video', () => {
    const entries = [
      entry({ version: '1', promptSha: 'a', videoPath: '/w/a.mp4', createdAt: '2025-01-01T00:00:00Z' }),
      entry({ version: '1', promptSha: 'a', videoPath: '/w/a.mp4', createdAt: '2025-01-01T01:00:00Z' }),
      entry({ version: '1', promptSha: 'a', videoPath: '/w/b.mp4', createdAt: '2025-01-01T02:00:00Z' }),
      entry({ version: '2', promptSha: 'b', videoPath: '/w/a.mp4', createdAt: '2025-01-02T00:00:00Z' }),
      entry({ version: '2', promptSha: 'b2', videoPath: '/w/a.mp4', createdAt: '2025-01-03T00:00:00Z' }),
      entry({ promptId: 'reward', version: '1', createdAt: '2024-12-01T00:00:00Z' }),
    ];
    const prompts = recordedPrompts(entries);
    assert.deepEqual(prompts.map((p) => p.id), ['physics-critic', 'reward']);
    const versions = prompts[0]!.versions;
    assert.deepEqual(versions.map((v) => `${v.version}/${v.promptSha}`), ['2/b2', '2/b', '1/a']);
    assert.deepEqual(versions[2]!.results.map((r) => r.videoPath), ['/w/b.mp4', '/w/a.mp4']);
    assert.equal(versions[2]!.results[1]!.createdAt, '2025-01-01T01:00:00Z');
    assert.equal(prompts[0]!.resultCount, 5);

    const pairs = pairByVideo(versions[2]!, versions[0]!);
    assert.deepEqual(pairs.map((p) => [p.video, p.before?.version ?? null, p.after?.version ?? null]), [['/w/a.mp4', '1', '2'], ['/w/b.mp4', '1', null]]);
  });

  it('says whether the prompt text changed since, or the file is gone', () => {
    assert.equal(promptTextState('x', 'x'), 'current');
    assert.equal(promptTextState('x', 'y'), 'changed');
    assert.equal(promptTextState('x', null), 'missing');
  });
});

describe('ResultIndex', () => {
  it('lists valid results at any depth, skips other JSON and failure records, and sees rewrites', async () => {
    const { mkdtemp, mkdir, writeFile, rm, utimes } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ResultIndex } = await import('../../src/extension/prompts/resultIndex');
    const folder = await mkdtemp(join(tmpdir(), 'cosmos-results-'));
    try {
      const result = (version: number) => ({
        schema: 'cosmos-critic/result@1',
        video: { path: '/w/ball.mp4', sha256: 'v', duration_s: 3, width: 320, height: 240, fps: 25 },
        mode: 'reward',
        prompt: { id: 'reward', version, sha256: `p${version}`, path: null },
        model: { backend: 'onnx', id: 'tiny', device: 'cpu' },
        sampling: { rule: 'reward', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 3] },
        reward: { score: 0.8, anomaly: 'No', p_yes: 0.2, p_no: 0.8, band: 'high' },
        violations: [],
        timing_ms: { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 },
        created_at: '2025-01-01T00:00:00.000Z',
      });
      await mkdir(join(folder, 'run-1'));
      await writeFile(join(folder, 'ball.reward-v1.result.json'), JSON.stringify(result(1)));
      await writeFile(join(folder, 'run-1', 'ball.json'), JSON.stringify(result(2)));
      await writeFile(join(folder, 'run-1', 'manifest.json'), JSON.stringify({ runId: 'x' }));
      await writeFile(join(folder, 'run-1', 'ball.failed.json'), JSON.stringify(result(3)));
      await writeFile(join(folder, 'broken.result.json'), '{');
      const index = new ResultIndex();
      const versions = async () => (await index.entries([folder, folder])).map((e) => e.version).sort();
      assert.deepEqual(await versions(), ['1', '2']);
      const file = join(folder, 'ball.reward-v1.result.json');
      await writeFile(file, JSON.stringify(result(7)));
      await utimes(file, new Date(), new Date(Date.now() + 5000));
      assert.deepEqual(await versions(), ['2', '7']);
      assert.deepEqual(await index.entries([join(folder, 'absent')]), []);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
