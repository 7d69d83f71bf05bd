import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import type { VideoProbe } from '../../src/shared/video';
import { BAD_INPUTS, VIDEO_FIXTURES, badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

const assertNoStackTrace = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, stderr);

before(() => {
  ensureVideoFixtures();
  ensureBadInputs();
});

describe('cosmos-critic probe', () => {
  it('prints one JSON object per video with metadata and the sampling plan', () => {
    const keys = Object.keys(VIDEO_FIXTURES);
    const r = cli(['probe', ...keys.map(videoPath)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.lines.length, keys.length);
    r.lines.forEach((line, i) => {
      const probe = JSON.parse(line) as VideoProbe;
      assert.equal(probe.video.path, videoPath(keys[i]!));
      for (const field of ['duration_s', 'fps', 'frame_count', 'width', 'height', 'video_codec', 'has_audio'] as const) {
        assert.ok(field in probe.video, field);
      }
      assert.equal(probe.plan.frame_indices.length, probe.plan.frames);
      assert.equal(probe.plan.frame_times_s.length, probe.plan.frames);
      assert.ok(probe.plan.width > 0 && probe.plan.height > 0);
    });
  });

  it('handles a file name with spaces and non-ASCII letters', () => {
    const r = cli(['probe', videoPath('unicodeName')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.lines[0]!) as VideoProbe).video.path, videoPath('unicodeName'));
  });

  it('honours sampling flags', () => {
    const r = cli(['probe', '--fps', '2', '--max-frames', '4', videoPath('h264Mp4')]);
    assert.equal(r.code, 0, r.stderr);
    const { plan } = JSON.parse(r.lines[0]!) as VideoProbe;
    assert.equal(plan.frames, 4);
    assert.equal(plan.target_fps, 2);
    const reward = JSON.parse(cli(['probe', '--sampling', 'reward', videoPath('h264Mp4')]).lines[0]!) as VideoProbe;
    assert.equal(reward.plan.rule, 'reward');
    assert.equal(reward.plan.frames, 74);
  });

  it('indents with --pretty', () => {
    const r = cli(['probe', '--pretty', videoPath('short')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^{\n  "video": {/);
  });

  for (const [key, bad] of Object.entries(BAD_INPUTS)) {
    it(`bad input (${key}): one line naming the file, exit 1, no stack trace`, () => {
      const path = badInputPath(key);
      const r = cli(['probe', path]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(path), lines[0]);
      assert.match(lines[0]!, bad.mustMention);
      assertNoStackTrace(r.stderr);
    });
  }

  it('still processes the good videos when others in the same call are bad', () => {
    const bad = Object.keys(BAD_INPUTS).map(badInputPath);
    const good = [videoPath('h264Mp4'), videoPath('vp9Webm')];
    const r = cli(['probe', bad[0]!, good[0]!, ...bad.slice(1), good[1]!]);
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.lines.map((l) => (JSON.parse(l) as VideoProbe).video.path),
      good,
    );
    assert.equal(r.stderr.split('\n').filter(Boolean).length, bad.length);
    assertNoStackTrace(r.stderr);
  });

  it('says how to install ffmpeg when it is missing', () => {
    const r = cli(['probe', videoPath('h264Mp4')], { ...process.env, PATH: '/nonexistent' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ffmpeg and ffprobe were not found/);
    assert.match(r.stderr, /apt-get install ffmpeg/);
    assert.match(r.stderr, /cosmosCritic\.ffmpegPath/);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
  });

  it('finds ffmpeg through --ffmpeg-path when it is not on PATH', () => {
    const ffmpegDir = spawnSync('sh', ['-c', 'dirname "$(command -v ffmpeg)"'], { encoding: 'utf8' }).stdout.trim();
    const r = cli(['probe', '--ffmpeg-path', ffmpegDir, videoPath('short')], { ...process.env, PATH: '/nonexistent' });
    assert.equal(r.code, 0, r.stderr);
  });

  it('exits 2 on bad usage with one line', () => {
    for (const args of [[], ['probe'], ['frobnicate'], ['probe', '--fps', 'fast', 'x.mp4'], ['probe', '--fps', '2', '--nframes', '4', 'x.mp4'], ['probe', '--sampling', 'random', 'x.mp4'], ['probe', '--no-such-flag', 'x.mp4']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assertNoStackTrace(r.stderr);
    }
  });

  it('prints help and exits 0', () => {
    const r = cli(['probe', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /cosmos-critic probe <video…>/);
  });
});
