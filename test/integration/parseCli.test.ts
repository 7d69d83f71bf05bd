import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CriticVerdict, VideoAnalysis, Violation } from '../../src/shared/result';
import { ANSWER_DIR, answerPath } from '../fixtures/answers';
import { CLI, requireBuilt } from './builtArtifacts';

interface ParseOutput {
  file: string;
  critic: CriticVerdict;
  violations: Violation[];
  video_analysis: VideoAnalysis;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8' });
  const lines = r.stdout.split('\n').filter(Boolean);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines, errors: r.stderr.split('\n').filter(Boolean) };
}

const outputs = (lines: string[]) => lines.map((line) => JSON.parse(line) as ParseOutput);
const assertNoStackTrace = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, stderr);

const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-parse-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('cosmos-critic parse', () => {
  it('prints one JSON line per answer file with the structured fields', () => {
    const files = [answerPath('wellFormed'), answerPath('truncated'), answerPath('noThinkTags'), answerPath('markdownFenced'), answerPath('garbage')];
    const r = cli(['parse', ...files]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const parsed = outputs(r.lines);
    assert.deepEqual(parsed.map((p) => p.file), files);
    assert.deepEqual(parsed.map((p) => Object.keys(p)), files.map(() => ['file', 'critic', 'violations', 'video_analysis']));
    assert.deepEqual(parsed.map((p) => p.critic.trials.map((t) => [t.parse, t.answer])), [
      [['ok', 'Yes']],
      [['failed', null]],
      [['partial', 'No']],
      [['ok', 'No']],
      [['failed', null]],
    ]);
    // A file whose answer did not parse has no critic score (null), not 0.
    assert.deepEqual(parsed.map((p) => p.critic.score), [0, null, 1, 1, null]);

    const [wellFormed] = parsed;
    assert.deepEqual(wellFormed!.violations.map((v) => [v.category, v.component, v.start_s, v.end_s, v.trial]), [['gravity', 'Ball', 2.5, 2.5, 0]]);
    assert.deepEqual(wellFormed!.video_analysis.physical_accuracy.violations, ['gravity_inconsistency_at_2.5s']);
    assert.equal(typeof wellFormed!.critic.trials[0]!.raw, 'string');
  });

  it('reads several trials from a JSON array: No, No, Yes, failed → 2/3', () => {
    const r = cli(['parse', answerPath('fourTrials')]);
    assert.equal(r.code, 0, r.stderr);
    const [out] = outputs(r.lines);
    assert.equal(out!.critic.score, 2 / 3);
    assert.deepEqual(out!.critic.trials.map((t) => t.answer), ['No', 'No', 'Yes', null]);
    assert.deepEqual(out!.violations.map((v) => v.trial), [2]);
  });

  it('reads a "responses" object and text separated by === and --- lines', () => {
    const r = cli(['parse', answerPath('responses'), answerPath('separated')]);
    assert.equal(r.code, 0, r.stderr);
    const [responses, separated] = outputs(r.lines);
    assert.deepEqual(responses!.critic.trials.map((t) => t.answer), ['No', 'Yes']);
    assert.equal(responses!.critic.score, 0.5);
    assert.deepEqual(separated!.critic.trials.map((t) => [t.parse, t.answer]), [['ok', 'No'], ['ok', 'Yes'], ['ok', 'No']]);
  });

  it('maps frame numbers to seconds with --frame-times or --fps', () => {
    const withTimes = cli(['parse', '--frame-times', Array.from({ length: 16 }, (_, i) => i * 0.25).join(','), answerPath('frames')]);
    assert.equal(withTimes.code, 0, withTimes.stderr);
    const [v] = outputs(withTimes.lines)[0]!.violations;
    assert.deepEqual([v!.category, v!.start_s, v!.end_s], ['object_permanence', 2, 3]);

    const withFps = cli(['parse', '--fps', '16', answerPath('frames')]);
    assert.deepEqual(outputs(withFps.lines)[0]!.violations.map((x) => [x.start_s, x.end_s]), [[0.5, 0.75]]);

    const without = cli(['parse', answerPath('frames')]);
    assert.deepEqual(outputs(without.lines)[0]!.violations.map((x) => [x.start_s, x.end_s]), [[null, null]]);
  });

  it('indents with --pretty', () => {
    const r = cli(['parse', '--pretty', answerPath('wellFormed')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^{\n  "file": /);
    assert.equal((JSON.parse(r.stdout) as ParseOutput).critic.score, 0);
  });

  it('names each bad file in one line, still processes the others, and exits 1', () => {
    const empty = join(scratch, 'empty.txt');
    writeFileSync(empty, '');
    const blank = join(scratch, 'blank.txt');
    writeFileSync(blank, '  \n\n');
    const missing = join(scratch, 'missing.txt');
    const bad = [missing, ANSWER_DIR, empty, blank, answerPath('noAnswers')];
    const r = cli(['parse', bad[0]!, answerPath('wellFormed'), ...bad.slice(1), answerPath('noThinkTags')]);
    assert.equal(r.code, 1);
    assert.deepEqual(outputs(r.lines).map((o) => o.file), [answerPath('wellFormed'), answerPath('noThinkTags')]);
    assert.equal(r.errors.length, bad.length, r.stderr);
    r.errors.forEach((line, i) => assert.ok(line.includes(bad[i]!), line));
    assert.match(r.errors[0]!, /no such file/);
    assert.match(r.errors[1]!, /is a directory/);
    assert.match(r.errors[2]!, /empty/);
    assert.match(r.errors[4]!, /"trials", "responses" or "outputs"/);
    assertNoStackTrace(r.stderr);
  });

  it('reports an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, () => {
    const locked = join(scratch, 'locked.txt');
    writeFileSync(locked, 'Answer: No');
    chmodSync(locked, 0o000);
    const r = cli(['parse', locked]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /permission denied/);
    assertNoStackTrace(r.stderr);
  });

  it('exits 2 on bad usage with one line', () => {
    const file = answerPath('wellFormed');
    for (const args of [['parse'], ['parse', '--fps', 'fast', file], ['parse', '--fps', '0', file], ['parse', '--frame-times', '0,a,1', file], ['parse', '--frame-times', '0,,1', file], ['parse', '--fps', '4', '--frame-times', '0,1', file], ['parse', '--no-such-flag', file]]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.errors.length, 1, r.stderr);
      assert.equal(r.stdout, '');
      assertNoStackTrace(r.stderr);
    }
  });

  it('prints help naming the accepted file shapes and exits 0', () => {
    const r = cli(['parse', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /cosmos-critic parse <answer\.txt…>/);
    assert.match(r.stdout, /"trials", "responses" or "outputs"/);
    assert.match(r.stdout, /---/);
    assert.match(r.stdout, /--frame-times/);
    assert.match(cli(['--help']).stdout, /parse <answer…>/);
  });
});
