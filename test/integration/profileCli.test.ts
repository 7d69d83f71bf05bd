import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from '../fixtures/fakeVisionServers';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-profiles-'));
let server: FakeServer;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: scratch } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI without blocking this process: the fake server runs in it. */
function cliAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [requireBuilt(CLI), ...args], { env: { ...process.env, XDG_CACHE_HOME: scratch } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  ensureVideoFixtures(['h264Mp4']);
  server = await startFakeServer({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-2B', reasoningParser: true, script: () => ({ thinking: 'Looks real.', answer: '5' }) });
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the CLI with model profiles', () => {
  it('probe --profile reason2 plans in multiples of 32 and lists the processor\'s timestamps', () => {
    const r = cli(['probe', '--profile', 'reason2', '--fps', '4', videoPath('h264Mp4')]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { profile: string; plan: { width: number; height: number; frames: number }; timestamps: string[] };
    assert.deepEqual([out.profile, out.plan.width, out.plan.height, out.plan.frames], ['reason2', 448, 320, 12]);
    assert.equal(out.timestamps.length, 6);
    assert.match(out.timestamps[0]!, /^<\d+\.\d seconds>$/);
  });

  it('a bad --profile is a usage error naming the choices; a Qwen3-VL profile without --endpoint says it runs on a server', () => {
    const bad = cli(['probe', '--profile', 'reason9', videoPath('h264Mp4')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"reason9" is not a model profile: use one of reason1, reason1-reward, reason2, cosmos3-reasoner/);
    const local = cli(['critique', '--profile', 'reason2', '--model', scratch, videoPath('h264Mp4')]);
    assert.equal(local.code, 2);
    assert.match(local.stderr, /runs on a server for now \(--endpoint URL\)/);
  });

  it('critique against a Reason 2 server picks its profile and its own critic prompt; plausibility as text', async () => {
    const r = await cliAsync(['critique', '--endpoint', server.url, '--prompt', 'reason2-plausibility', '--format', 'text', videoPath('h264Mp4')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /plausibility 5\.00 of 5 → score 1\.000 — trial 1: 5/);
    const json = await cliAsync(['critique', '--endpoint', server.url, '--trials', '1', videoPath('h264Mp4')]);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { prompt: { id: string }; model: { profile: string; profile_source: string } };
    assert.deepEqual([result.prompt.id, result.model.profile, result.model.profile_source], ['reason2-critic', 'reason2', 'model-name']);
  });

  it('parse --answer timeline|score reads saved Reason 2 answers', () => {
    const timeline = join(scratch, 'timeline.txt');
    writeFileSync(timeline, '<think>hm</think>\n```json\n[{"start": "00:01.00", "end": "00:05.00", "caption": "The ball falls upward."}]\n```');
    const r = cli(['parse', '--answer', 'timeline', '--duration', '3', timeline]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { violations: Array<{ start_s: number; end_s: number; time_issue: string }> };
    assert.deepEqual(out.violations.map((v) => [v.start_s, v.end_s, v.time_issue]), [[1, 3, 'clamped']]);
    const score = join(scratch, 'score.txt');
    writeFileSync(score, '<think>a</think>\n3\n---\n<think>b</think>\n5');
    const s = JSON.parse(cli(['parse', '--answer', 'score', score]).stdout) as { plausibility: { raw: number[]; score: number } };
    assert.deepEqual(s.plausibility, { score: 0.75, raw_mean: 4, raw: [3, 5] });
    assert.equal(cli(['parse', '--answer', 'json', score]).code, 2);
  });
});
