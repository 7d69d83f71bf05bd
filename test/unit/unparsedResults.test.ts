// A critique whose trials did not parse is not a verdict: no score, no band, no anomaly, status `unparsed`,
// in the result, the summary rows (jsonl/csv), the run report (json/csv/html) and the CLI's text.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { critiqueAsMarkdown, critiqueAsText } from '../../src/cli/resultOutput';
import { parseProfileAnswers } from '../../src/engine/critique/profileAnswers';
import { critiqueStatus } from '../../src/engine/evaluate/jobBasics';
import { summaryRow, toCsv } from '../../src/engine/jobs/batchFiles';
import { buildReport, reportCsv, reportHtml } from '../../src/engine/store/runReport';
import { resultStatus, type CriticResult } from '../../src/shared/result';
import { isCriticResult } from '../../src/shared/webviewMessages';
import { isResultRowView } from '../../src/shared/resultsMessages';

const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-unparsed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function critique(video: string, answers: string[], kind: 'critique' | 'score' = 'critique'): CriticResult {
  const parsed = parseProfileAnswers(answers.map((content) => ({ content })), { kind, reasoning: 'template', durationS: 4 });
  const result: CriticResult = {
    schema: 'cosmos-critic/result@1',
    video: { path: video, sha256: 'ab', duration_s: 4, width: 320, height: 240, fps: 25 },
    mode: 'critic',
    prompt: { id: 'critic', version: 2, sha256: 'cd', path: null },
    status: 'ok',
    model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32' },
    sampling: { rule: 'fps', fps: 4, frames: 8, width: 336, height: 252, frame_times_s: [] },
    critic: parsed.critic,
    video_analysis: parsed.video_analysis,
    ...(parsed.plausibility && { plausibility: parsed.plausibility }),
    violations: parsed.violations,
    timing_ms: { probe: 1, decode: 1, vision: 1, prefill: 1, generate: 1, total: 5 },
    created_at: '2026-01-01T00:00:00Z',
  };
  critiqueStatus(result);
  return result;
}

const GARBAGE = ['I am not sure what to say about this clip.', ''];
const PARSED = ['<think><overview>A ball.</overview></think><answer>Yes</answer>'];

describe('unparsed is not a verdict', () => {
  it('the result: status unparsed, critic score null; one parsed trial is enough for ok', () => {
    const unparsed = critique('/v/u.mp4', GARBAGE);
    assert.equal(unparsed.status, 'unparsed');
    assert.equal(unparsed.critic!.score, null);
    assert.ok(unparsed.critic!.trials.every((t) => t.answer === null && t.parse === 'failed'));
    const ok = critique('/v/k.mp4', [...GARBAGE, ...PARSED]);
    assert.equal(ok.status, 'ok');
    assert.equal(ok.critic!.score, 0);
    const scores = critique('/v/s.mp4', ['no idea', 'hmm'], 'score');
    assert.equal(scores.status, 'unparsed');
    assert.equal(scores.plausibility!.score, null);
  });

  it('a result written before the status existed (score 0, no parsed trial) reads as unparsed', () => {
    const { status: _status, ...old } = critique('/v/o.mp4', GARBAGE);
    const legacy = { ...old, critic: { ...old.critic!, score: 0 } } as unknown as CriticResult;
    assert.equal(resultStatus(legacy), 'unparsed');
    const row = summaryRow(legacy, join(dir, 'results', 'o.json'), dir, 'tiny-fp32');
    assert.deepEqual([row.status, row.score, row.band, row.anomaly], ['unparsed', null, null, null]);
  });

  it('summary rows (jsonl/csv): status unparsed, no score, band or anomaly', () => {
    const row = summaryRow(critique('/v/u.mp4', GARBAGE), join(dir, 'results', 'u.json'), dir, 'tiny-fp32');
    assert.deepEqual([row.status, row.score, row.band, row.anomaly, row.error], ['unparsed', null, null, null, null]);
    assert.ok(isResultRowView(row), 'the results browser takes the row');
    const csv = toCsv([row]).trim().split('\n');
    assert.equal(csv[1], '/v/u.mp4,critic,2,tiny-fp32,critic,unparsed,,,,0,,4,,results/u.json');
  });

  it('the report (json/csv/html) counts unparsed apart from results with a score and from failures', async () => {
    const out = join(dir, 'batch');
    mkdirSync(join(out, 'results'), { recursive: true });
    writeFileSync(join(out, 'results', 'u.mp4.critic-v2.tiny-fp32.json'), JSON.stringify(critique('/v/u.mp4', GARBAGE)));
    writeFileSync(join(out, 'results', 'k.mp4.critic-v2.tiny-fp32.json'), JSON.stringify(critique('/v/k.mp4', PARSED)));
    writeFileSync(join(out, 'results', 'f.mp4.critic-v2.tiny-fp32.failed.json'), JSON.stringify({ video: '/v/f.mp4', prompt: { id: 'critic', version: 2 }, model: 'tiny-fp32', error: 'not a video' }));
    const report = await buildReport(out);
    assert.deepEqual(report.totals, { results: 1, unparsed: 1, failed: 1, unreadable: 0 });
    const group = report.groups[0]!;
    assert.deepEqual([group.count, group.unparsed, group.failed, group.mean_score], [2, 1, 1, 0]);
    assert.deepEqual(group.bands, { high: 0, medium: 0, low: 1 }, 'the unparsed critique is in no band');
    assert.equal(group.histogram.reduce((a, b) => a + b, 0), 1);
    const unparsedRow = report.rows.find((r) => r.video === '/v/u.mp4')!;
    assert.deepEqual([unparsedRow.status, unparsedRow.score, unparsedRow.band, unparsedRow.anomaly], ['unparsed', null, null, null]);
    assert.match(reportCsv(report), /\n\/v\/u\.mp4,critic,2,tiny-fp32,critic,unparsed,,,,/);
    const html = reportHtml(report, join(out, 'report.html'));
    assert.match(html, /<tr class="unparsed"><td><a [^>]+>u\.mp4<\/a><\/td><td>unparsed<\/td><td><\/td><td><\/td>/);
    assert.match(html, /1 results, 1 unparsed, 1 failed/);
    assert.match(html, /2 results \(1 unparsed: no score\), 1 failed/);
  });

  it('the CLI says there is no verdict instead of printing 0.000', () => {
    const result = critique('/v/u.mp4', GARBAGE);
    const text = critiqueAsText(result);
    assert.match(text, /^unparsed: no trial's answer could be read, so there is no verdict/m);
    assert.doesNotMatch(text, /0\.000/);
    assert.match(critiqueAsMarkdown(result), /\*\*Critic score:\*\* none \(unparsed/);
    assert.match(critiqueAsText(critique('/v/s.mp4', ['hmm'], 'score')), /^unparsed: no trial gave a 1–5 score/m);
  });

  it('the player takes an unparsed result (null score, status)', () => {
    assert.ok(isCriticResult(JSON.parse(JSON.stringify(critique('/v/u.mp4', GARBAGE)))));
    assert.ok(!isCriticResult({ ...critique('/v/u.mp4', GARBAGE), status: 'maybe' }));
  });
});
