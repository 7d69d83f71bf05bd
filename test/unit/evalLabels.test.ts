import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBandsFile, writeBandsFile, bandWith } from '../../src/engine/eval/bands';
import { evaluateLabels } from '../../src/engine/eval/evaluateLabels';
import { evalCsv, evalHtml } from '../../src/engine/eval/evalReportFormats';
import { metricsFromRows } from '../../src/engine/eval/extraMetrics';
import { labelsFromRows, parseSeconds, readLabels } from '../../src/engine/eval/labels';
import { matchVideos } from '../../src/engine/eval/matchVideos';
import { readResults } from '../../src/engine/eval/resultsSource';
import { parseCsv, parseTableText } from '../../src/engine/eval/tableFile';
import type { CriticResult } from '../../src/shared/result';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-eval-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string) => {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

function reward(video: string, score: number, extra: Partial<CriticResult> = {}): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: video, sha256: 'ab', duration_s: 4, width: 320, height: 240, fps: 25 },
    mode: 'reward',
    prompt: { id: 'reward', version: 1, sha256: 'cd', path: null },
    model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32' },
    sampling: { rule: 'reward', fps: 4, frames: 8, width: 336, height: 252, frame_times_s: [] },
    reward: { score, anomaly: score >= 0.5 ? 'No' : 'Yes', p_yes: 1 - score, p_no: score, band: score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low' },
    violations: [],
    timing_ms: { probe: 1, decode: 1, vision: 1, prefill: 1, generate: 0, total: 4 },
    created_at: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

function critique(video: string, answers: Array<'Yes' | 'No' | null>, violations: CriticResult['violations'] = []): CriticResult {
  const parsed = answers.filter((a) => a !== null);
  const base = reward(video, 0);
  delete base.reward;
  return {
    ...base,
    mode: 'critic',
    prompt: { id: 'critic', version: 2, sha256: 'ef', path: null },
    sampling: { ...base.sampling, rule: 'fps', fps: 4 },
    critic: { score: parsed.length ? parsed.filter((a) => a === 'No').length / parsed.length : 0, trials: answers.map((answer) => ({ overview: null, components: [], answer, raw: '', parse: answer ? 'ok' : 'failed' })) },
    violations,
  };
}

describe('table files', () => {
  it('parses RFC 4180 CSV: quotes, doubled quotes, line breaks in a field, CRLF, BOM', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n"x, ""y""","1\n2"\r\nz,\n'), [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', '1\n2'] },
      { line: 4, cells: ['z', ''] },
    ]);
    assert.throws(() => parseCsv('a\n"open'), /never closed/);
  });
  it('names the file and line of a bad JSONL row', () => {
    assert.throws(() => parseTableText('{"video":"a"}\n{oops\n', '/x/labels.jsonl'), /labels\.jsonl:2: not a JSON object/);
  });
});

describe('labels', () => {
  it('reads our CSV format with violations as JSON in a cell', () => {
    const rows = parseTableText('video,label,violations\nclips/a.mp4,good,\nb.mp4,bad,"[{""start_s"":1,""end_s"":2.5,""category"":""Gravity""}]"\nc.mp4,2,\n', 'l.csv');
    const { labels, format } = labelsFromRows(rows, 'l.csv');
    assert.equal(format, 'cosmos');
    assert.deepEqual(labels.map((l) => [l.video, l.good, l.score5]), [['clips/a.mp4', true, null], ['b.mp4', false, null], ['c.mp4', false, 2]]);
    assert.deepEqual(labels[1]!.violations, [{ start_s: 1, end_s: 2.5, category: 'gravity' }]);
    assert.equal(labels[0]!.violations, null);
  });
  it('one clear error per bad row: unknown label, missing video, twice-labelled video', () => {
    assert.throws(() => labelsFromRows(parseTableText('video,label\na.mp4,maybe\n', 'l.csv'), 'l.csv'), /l\.csv:2: label "maybe" is neither good\/bad nor a 1–5/);
    assert.throws(() => labelsFromRows(parseTableText('video,label\na.mp4,7\n', 'l.csv'), 'l.csv'), /1–5/);
    assert.throws(() => labelsFromRows(parseTableText('{"label":"good"}\n', 'l.jsonl'), 'l.jsonl', { format: 'cosmos' }), /l\.jsonl:1: no "video"/);
    assert.throws(() => labelsFromRows(parseTableText('video,label\na.mp4,good\na.mp4,bad\n', 'l.csv'), 'l.csv'), /a\.mp4 is labelled twice \(lines 2 and 3\)/);
    assert.throws(() => labelsFromRows(parseTableText('name,x\na,1\n', 'l.csv'), 'l.csv'), /cannot tell the label format/);
  });
  it("imports VideoPhy-2's CSV: pc 1–5 (good at ≥ 4), videos by the URL's path", () => {
    const csv = 'caption,video_url,sa,pc,model_name\n"A ball, falling",https://host/videophy2/wan/ball.mp4,5,4\nA cup,https://host/videophy2/cogvideo/cup%20x.mp4,4,2\n';
    const { labels, format } = labelsFromRows(parseTableText(csv, 'test.csv'), 'test.csv');
    assert.equal(format, 'videophy2');
    assert.deepEqual(labels.map((l) => [l.video, l.good, l.score5]), [['videophy2/wan/ball.mp4', true, 4], ['videophy2/cogvideo/cup x.mp4', false, 2]]);
    assert.equal(labelsFromRows(parseTableText(csv, 'test.csv'), 'test.csv', { goodAt: 5 }).labels[0]!.good, false);
  });
  it('imports timestamped error annotations: no error = good, each error a labelled violation', () => {
    const json = JSON.stringify([
      { video_id: 'veo3/p001.mp4', errors: [{ error_type: 'Physics', start_time: '0:01.5', end_time: '0:03' }, { type: 'body pose', timestamp: [4, 4.5] }] },
      { video_id: 'ltx2/p001.mp4', errors: [] },
    ]);
    const { labels, format } = labelsFromRows(parseTableText(json, 'spot.json'), 'spot.json');
    assert.equal(format, 'spotlight');
    assert.deepEqual(labels[0], { video: 'veo3/p001.mp4', line: 1, good: false, score5: null, violations: [{ start_s: 1.5, end_s: 3, category: 'physics' }, { start_s: 4, end_s: 4.5, category: 'body pose' }] });
    assert.equal(labels[1]!.good, true);
    assert.throws(() => labelsFromRows(parseTableText(JSON.stringify([{ video: 'a', errors: [{ start: 3, end: 1 }] }]), 's.json'), 's.json'), /ends \(1 s\) before it starts \(3 s\)/);
  });
  it("reads the Spotlight benchmark's metadata.jsonl: one row per prompt × generator, untimed (global) errors make a video bad", () => {
    // As in UBC-ViL/Spotlight-VideoGen-Errors test/metadata.jsonl: pid, prompt, orig_dataset, video_from, source_data (a JSON string).
    const source = JSON.stringify({ event_list: ['The bicycle pedals itself.', 'It stops at the red light.'], class: ['object'] });
    const jsonl = [
      { pid: 'sid_003', prompt: 'A bicycle pedals itself down the street.', orig_dataset: 'storyeval', video_from: 'ltx2', source_data: source, refvideo_exists: false,
        errors: [{ error_type: 'Appearance/Disappearance', start_time: 1.2, end_time: 2.0, explanation: 'A rider appears out of thin air.' }, { error_type: 'Physical Violations', start_time: '0:03.5', end_time: '0:04' }] },
      { pid: 'sid_003', prompt: 'A bicycle pedals itself down the street.', orig_dataset: 'storyeval', video_from: 'veo3', source_data: source, refvideo_exists: false, errors: [] },
      { pid: 'sid_021', prompt: 'A cat pokes its head out of a box.', orig_dataset: 'storyeval', video_from: 'seedance', source_data: '{}', refvideo_exists: false,
        errors: JSON.stringify([{ error_type: 'Prompt Adherence', explanation: 'The cat never leaves the box.' }, { error_type: 'Body Pose', start_time: 0.9, end_time: 1.1 }]) },
    ].map((r) => JSON.stringify(r)).join('\n');
    const { labels, format } = labelsFromRows(parseTableText(jsonl, 'metadata.jsonl'), 'metadata.jsonl');
    assert.equal(format, 'spotlight');
    assert.deepEqual(labels.map((l) => [l.video, l.good]), [['spotlight/ltx2/sid_003.mp4', false], ['spotlight/veo3/sid_003.mp4', true], ['spotlight/seedance/sid_021.mp4', false]]);
    assert.deepEqual(labels[0]!.violations, [{ start_s: 1.2, end_s: 2, category: 'object_permanence' }, { start_s: 3.5, end_s: 4, category: 'physical_violations' }]);
    assert.deepEqual(labels[2]!.violations, [{ start_s: 0.9, end_s: 1.1, category: 'human_motion' }], 'the untimed prompt-adherence error counts for the label, not in time');
    // A file_name column (the Hugging Face video-folder convention) names the video as written.
    const named = labelsFromRows(parseTableText(JSON.stringify({ pid: 'sid_001', video_from: 'veo3', file_name: 'spotlight/veo3/sid_001.mp4', errors: [] }), 'm.jsonl'), 'm.jsonl');
    assert.equal(named.labels[0]!.video, 'spotlight/veo3/sid_001.mp4');
    assert.throws(() => labelsFromRows(parseTableText(JSON.stringify({ pid: 'sid_001', video_from: 'veo3', errors: 'not json' }), 'm.jsonl'), 'm.jsonl'), /m\.jsonl:1: violations must be a JSON list/);
  });
  it('matches Spotlight rows to results by generator and prompt, so one prompt of three generators is three videos', () => {
    const jsonl = ['ltx2', 'veo3', 'seedance'].map((from, i) => JSON.stringify({ pid: 'sid_003', video_from: from, errors: i === 1 ? [] : [{ error_type: 'Physical Violations', start_time: 1, end_time: 2 }] })).join('\n');
    const labels = labelsFromRows(parseTableText(jsonl, 'metadata.jsonl'), 'metadata.jsonl');
    const results = ['ltx2', 'veo3', 'seedance'].map((from, i) => ({
      video: `/data/Spotlight-VideoGen-Errors/test/spotlight/${from}/sid_003.mp4`, result_file: `r${i}.json`, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward',
      score: [0.2, 0.9, 0.4][i]!, unscored_reason: null, violations: [], frame_gap_s: 0.25, created_at: '',
    }));
    const report = evaluateLabels({ dir: '/r', videos_root: '/data/Spotlight-VideoGen-Errors/test', results, skipped: [] }, labels, { bootstrapRounds: 0 });
    assert.equal(report.counts.labels_ambiguous, 0);
    assert.equal(report.counts.labels_without_result, 0);
    assert.equal(report.runs[0]!.n, 3);
    assert.equal(report.runs[0]!.roc_auc, 1);
  });
  it('reads times as seconds or m:ss', () => {
    assert.equal(parseSeconds('1:02.5'), 62.5);
    assert.equal(parseSeconds('0:01:00'), 60);
    assert.equal(parseSeconds('2.5s'), 2.5);
    assert.equal(parseSeconds('soon'), null);
  });
});

describe('matching labels to results', () => {
  const results = ['/v/clips/a.mp4', '/v/clips/b.mp4', '/v/other/b.mp4', '/v/wan/ball.mp4'];
  it('by path under the root, absolute path, path ending or unique file name; several fits are listed, not guessed', () => {
    const names = ['clips/a.mp4', '/v/other/b.mp4', 'b.mp4', 'videophy2/wan/ball.mp4', 'missing.mp4'];
    const m = matchVideos(names, (n) => n, results, (r) => r, '/v');
    assert.deepEqual(m.pairs.map((p) => [p.label, p.result]), [['clips/a.mp4', '/v/clips/a.mp4'], ['/v/other/b.mp4', '/v/other/b.mp4'], ['videophy2/wan/ball.mp4', '/v/wan/ball.mp4']]);
    assert.deepEqual(m.ambiguous, [{ entry: 'b.mp4', candidates: ['/v/clips/b.mp4', '/v/other/b.mp4'] }]);
    assert.deepEqual(m.unmatched, ['missing.mp4']);
    assert.deepEqual(m.unlabelled, ['/v/clips/b.mp4']);
  });
});

describe('reading results and evaluating them against labels', () => {
  it('reads a batch folder: failures and critiques whose trials did not parse have no score (never 0)', async () => {
    const out = join(dir, 'batch');
    const put = (rel: string, data: unknown) => write(join('batch', 'results', rel), JSON.stringify(data));
    put('a.mp4.critic-v2.tiny-fp32.json', critique('/v/a.mp4', ['No', 'No', 'Yes', null]));
    put('b.mp4.critic-v2.tiny-fp32.json', critique('/v/b.mp4', [null, null]));
    put('c.mp4.critic-v2.tiny-fp32.failed.json', { video: '/v/c.mp4', prompt: { id: 'critic', version: 2 }, model: 'tiny-fp32', error: 'not a readable video' });
    put('d.mp4.critic-v2.tiny-fp32.json', { ...critique('/v/d.mp4', ['No']), status: 'failed' });
    write('batch/results/junk.json', '{"schema":');
    put('runs/e.mp4.critic-v2.tiny-fp32.json', critique('/v/runs/e.mp4', ['Yes']));
    write('batch/runs/r1/manifest.json', JSON.stringify({ videos_root: '/v' }));
    const read = await readResults(out);
    const byVideo = new Map(read.results.map((r) => [r.video, r]));
    assert.equal(read.videos_root, '/v');
    assert.equal(byVideo.get('/v/a.mp4')!.score, 2 / 3);
    assert.equal(byVideo.get('/v/b.mp4')!.score, null);
    assert.equal(byVideo.get('/v/b.mp4')!.unscored_reason, 'no trial answer parsed');
    assert.match(byVideo.get('/v/c.mp4')!.unscored_reason!, /^failed: not a readable video/);
    assert.equal(byVideo.get('/v/d.mp4')!.score, null);
    assert.deepEqual(read.skipped, ['results/junk.json']);
    // A video folder named "runs" is read like any other.
    assert.equal(byVideo.get('/v/runs/e.mp4')!.score, 0);
  });

  it('reads a folder that score --out wrote, and evaluates per prompt × model with everything unmatched listed', async () => {
    const flat = join(dir, 'flat');
    const scores: Record<string, number> = { a: 0.9, b: 0.8, c: 0.7, d: 0.6, e: 0.5, f: 0.4, g: 0.4, h: 0.2, z: 0.5 };
    for (const [name, score] of Object.entries(scores)) write(`flat/${name}.reward-v1.result.json`, JSON.stringify(reward(`/videos/${name}.mp4`, score)));
    write('flat/b.critic-v2.result.json', JSON.stringify(critique('/videos/b.mp4', [null])));
    // The eight videos of the hand-worked set (test/unit/evalMetrics.test.ts), plus labels that name nothing.
    const labelsFile = write(
      'labels.jsonl',
      ['a good', 'b bad', 'c good', 'd good', 'e bad', 'f bad', 'g good', 'h bad', 'nothere bad']
        .map((s) => s.split(' '))
        .map(([v, l]) => JSON.stringify({ video: `${v}.mp4`, label: l, ...(v === 'a' ? { violations: [] } : {}) }))
        .join('\n'),
    );
    const labels = await readLabels(labelsFile);
    const metrics = metricsFromRows(parseTableText('video,sampson_error,note\na.mp4,0.1,x\nb.mp4,0.2,y\nc.mp4,0.3,z\nq.mp4,1,w\n', 'm.csv'), 'm.csv');
    assert.deepEqual(metrics.columns, ['sampson_error']);
    const report = evaluateLabels(await readResults(flat), labels, { bootstrapRounds: 200, metrics });
    assert.equal(report.runs.length, 2);
    const rewardRun = report.runs.find((r) => r.prompt_id === 'reward')!;
    assert.equal(rewardRun.n, 8);
    assert.equal(rewardRun.roc_auc, 0.71875);
    assert.ok(Math.abs(rewardRun.pr_auc! - 251 / 336) < 1e-12);
    assert.deepEqual(rewardRun.bands.confusion, { high: { good: 2, bad: 1 }, medium: { good: 2, bad: 2 }, low: { good: 0, bad: 1 } });
    assert.equal(rewardRun.best_threshold!.threshold, 0.6);
    assert.equal(rewardRun.timestamps!.videos, 1);
    assert.equal(rewardRun.disagreements[0]!.video, '/videos/b.mp4');
    assert.ok(Math.abs(rewardRun.disagreements[0]!.gap - 0.8) < 1e-12);
    // Sampson error rises with the score on a, b, c (0.9, 0.8, 0.7 → 0.1, 0.2, 0.3): Pearson −1.
    assert.equal(rewardRun.metrics[0]!.name, 'sampson_error');
    assert.equal(rewardRun.metrics[0]!.n, 3);
    assert.ok(Math.abs(rewardRun.metrics[0]!.pearson! + 1) < 1e-12);
    const criticRun = report.runs.find((r) => r.prompt_id === 'critic')!;
    assert.equal(criticRun.n, 0);
    assert.deepEqual(criticRun.unscored, [{ video: '/videos/b.mp4', reason: 'no trial answer parsed' }]);
    assert.deepEqual(report.labels_without_result, [{ video: 'nothere.mp4', line: 9 }]);
    assert.deepEqual(report.results_without_label, ['/videos/z.mp4']);
    assert.deepEqual(report.metrics_without_result, [{ video: 'q.mp4', line: 5 }]);

    const csv = evalCsv(report).trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0]!, /^prompt_id,prompt_version,model,mode,n,.*,sampson_error_pearson,sampson_error_spearman$/);
    const html = evalHtml(report, join(flat, 'eval.html'));
    assert.match(html, /<path class="roc" d="M/);
    assert.equal((html.match(/class="reliability-bar"/g) ?? []).length, 7);
    assert.match(html, /<table class="confusion">/);
    assert.doesNotMatch(html, /<script|https?:\/\//);
  });
});

describe('bands files', () => {
  it('round-trips, applies and refuses bad cut-offs', async () => {
    const file = join(dir, 'bands.json');
    await writeBandsFile(file, { high: 0.8, low: 0.4 }, { labels: 'x' });
    const bands = await readBandsFile(file);
    assert.deepEqual(bands, { high: 0.8, low: 0.4 });
    assert.deepEqual([0.85, 0.8, 0.5, 0.39].map((s) => bandWith(s, bands)), ['high', 'high', 'medium', 'low']);
    await assert.rejects(readBandsFile(write('bad-bands.json', '{"high":0.3,"low":0.6}')), /"low" \(0\.6\) is above "high" \(0\.3\)/);
    await assert.rejects(readBandsFile(join(dir, 'none.json')), /none\.json: cannot read it \(ENOENT\)/);
  });
});
