import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

let modelDir: string;
let scratch: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: scratch } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4', 'h264Mov']);
  ensureBadInputs();
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-cli-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('cosmos-critic score / critique on the tiny model', () => {
  it('scores several videos, one line each, and keeps going past a bad one (exit 1)', () => {
    const r = cli(['score', '--model', modelDir, '--device', 'cpu', videoPath('short'), badInputPath('randomBytes'), videoPath('h264Mp4')]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^0\.\d{4}  (high|medium|low) +anomaly (Yes|No) +\/.+\.mp4$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /random\.mp4: not a readable video/);
  });

  it('writes result JSON with --json and --out', () => {
    const out = join(scratch, 'results');
    const r = cli(['score', '--model', modelDir, '--json', '--out', out, videoPath('short')]);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as CriticResult;
    const [file] = readdirSync(join(out, 'results'));
    assert.equal(file, 'short-0.2s.mp4.reward-v1.tiny-model-fp32.json');
    const written = JSON.parse(readFileSync(join(out, 'results', file!), 'utf8')) as CriticResult;
    assert.equal(written.reward!.score, printed.reward!.score);
    assert.equal(written.model.device, 'cpu');
  });

  it('--out keeps two videos that differ only in extension apart, and records a failed video', () => {
    const clips = join(scratch, 'same-name');
    mkdirSync(join(clips, 'sub'), { recursive: true });
    copyFileSync(videoPath('short'), join(clips, 'clip.mp4'));
    copyFileSync(videoPath('h264Mov'), join(clips, 'clip.mov'));
    copyFileSync(badInputPath('randomBytes'), join(clips, 'sub', 'clip.mp4'));
    const out = join(scratch, 'store');
    const r = cli(['score', '--model', modelDir, '--json', '--out', out, join(clips, 'clip.mp4'), join(clips, 'clip.mov'), join(clips, 'sub', 'clip.mp4')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /sub\/clip\.mp4: not a readable video/);
    const files = (readdirSync(join(out, 'results'), { recursive: true }) as string[]).map((f) => f.split(sep).join('/')).sort();
    assert.deepEqual(files, ['clip.mov.reward-v1.tiny-model-fp32.json', 'clip.mp4.reward-v1.tiny-model-fp32.json', 'sub', 'sub/clip.mp4.reward-v1.tiny-model-fp32.failed.json']);
    const printed = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as CriticResult);
    for (const name of ['clip.mp4', 'clip.mov']) {
      const written = JSON.parse(readFileSync(join(out, 'results', `${name}.reward-v1.tiny-model-fp32.json`), 'utf8')) as CriticResult;
      assert.equal(written.video.path, join(clips, name));
      assert.equal(written.reward!.score, printed.find((p) => p.video.path === join(clips, name))!.reward!.score);
    }
    const failure = JSON.parse(readFileSync(join(out, 'results', 'sub', 'clip.mp4.reward-v1.tiny-model-fp32.failed.json'), 'utf8')) as { video: string; error: string; model: string };
    assert.equal(failure.video, join(clips, 'sub', 'clip.mp4'));
    assert.equal(failure.model, 'tiny-model-fp32');
    assert.match(failure.error, /sub\/clip\.mp4: not a readable video/);
    // The report reads the folder as it reads a batch's.
    const report = cli(['report', out, '--format', 'json']);
    assert.equal(report.code, 0, report.stderr);
    assert.deepEqual((JSON.parse(report.stdout) as { totals: unknown }).totals, { results: 2, unparsed: 0, failed: 1, unreadable: 0 });
  });

  it('critiques with trials and prints markdown', () => {
    const r = cli(['critique', '--model', modelDir, '--trials', '2', '--max-new-tokens', '6', '--format', 'markdown', videoPath('short')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Critique of `short-0\.2s\.mp4`/);
    // The tiny model's answers seldom parse: with no parsed trial there is no score (never 0.000).
    const parsedTrials = r.stdout.match(/^## Trial \d: answer (Yes|No)/gm)?.length ?? 0;
    assert.match(r.stdout, parsedTrials > 0 ? /\*\*Critic score:\*\* \d\.\d{3} over 2 trials/ : /\*\*Critic score:\*\* none \(unparsed: no trial's answer could be read\) over 2 trials/);
    assert.equal(r.stdout.match(/^## Trial \d/gm)?.length, 2);
  });

  it('refuses a critic prompt for score and a missing model folder, one line each', () => {
    const wrongMode = cli(['score', '--model', modelDir, '--prompt', 'prompts/critic-detailed.prompt.md', videoPath('short')]);
    assert.equal(wrongMode.code, 2);
    assert.match(wrongMode.stderr, /critic-detailed\.prompt\.md: mode is "critic"; score needs a reward prompt/);
    const noModel = cli(['score', '--model', join(scratch, 'nowhere'), videoPath('short')]);
    assert.equal(noModel.code, 1);
    assert.match(noModel.stderr, /model folder .*nowhere does not exist\. Set cosmosCritic\.modelPath \(CLI: --model DIR\)/);
    assert.equal(noModel.stderr.trim().split('\n').length, 1);
    const none = spawnSync(process.execPath, [requireBuilt(CLI), 'score', videoPath('short')], { encoding: 'utf8', env: { ...process.env, COSMOS_CRITIC_MODEL: '' } });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no model: pass --model DIR/);
  });
});
