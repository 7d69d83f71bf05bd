import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvalReport } from '../../src/engine/eval/evaluateLabels';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

const CLIPS = ['h264Mp4', 'vp9Webm', 'mjpegAvi', 'h264Mov', 'mpeg4Mkv', 'short'];
let scratch: string;
let modelDir: string;
let videos: string;
let out: string;

const cli = (args: string[]) => spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8' });
const scores = () =>
  new Map(
    (readdirSync(join(out, 'results'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.json') && !f.endsWith('.failed.json'))
      .map((f) => JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as CriticResult)
      .map((r) => [r.video.path, r.reward!.score]),
  );

before(async () => {
  ensureVideoFixtures(CLIPS);
  ensureBadInputs();
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-eval-cli-'));
  videos = join(scratch, 'videos');
  mkdirSync(join(videos, 'nested'), { recursive: true });
  CLIPS.forEach((key, i) => copyFileSync(videoPath(key), join(videos, i % 2 ? 'nested' : '', `clip${i}.${videoPath(key).split('.').pop()}`)));
  copyFileSync(badInputPath('randomBytes'), join(videos, 'broken.mp4'));
  out = join(scratch, 'out');
  // The tiny model's scores: the runs below label, evaluate and sort these.
  const r = cli(['batch', videos, '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache'), '--concurrency', '1']);
  assert.equal(r.status, 1, r.stderr);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('cosmos-critic eval on results written by the tiny model', () => {
  it('evaluates against labels: AUC as the pair count of the result files, unscored and unmatched listed', () => {
    const byVideo = scores();
    assert.equal(byVideo.size, 6);
    // Label the three best-scored good but swap one pair, so the AUC is neither 0 nor 1.
    const ranked = [...byVideo.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v.slice(videos.length + 1));
    const good = new Set([ranked[0], ranked[1], ranked[3]]);
    const lines = ['video,label', ...ranked.map((v) => `${v},${good.has(v) ? 'good' : 'bad'}`), 'broken.mp4,bad', 'not-a-video.mp4,good'];
    const labels = join(scratch, 'labels.csv');
    writeFileSync(labels, lines.join('\n') + '\n');
    const r = cli(['eval', out, '--labels', labels, '--bootstrap', '300']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as EvalReport;
    assert.equal(report.runs.length, 1);
    const run = report.runs[0]!;
    assert.equal(run.n, 6);
    // Pair count over the result files' own scores (good above bad, ties ½).
    let u = 0;
    for (const g of ranked.filter((v) => good.has(v)))
      for (const b of ranked.filter((v) => !good.has(v))) {
        const sg = byVideo.get(join(videos, g))!;
        const sb = byVideo.get(join(videos, b))!;
        u += sg > sb ? 1 : sg === sb ? 0.5 : 0;
      }
    assert.equal(run.roc_auc, u / 9);
    assert.ok(run.roc_auc_ci95 && run.roc_auc_ci95.low <= run.roc_auc! && run.roc_auc! <= run.roc_auc_ci95.high);
    assert.deepEqual(run.unscored.map((x) => x.video), [join(videos, 'broken.mp4')]);
    assert.match(run.unscored[0]!.reason, /^failed: .*not a readable video/);
    assert.deepEqual(report.labels_without_result, [{ video: 'not-a-video.mp4', line: 9 }]);
    assert.match(r.stderr, /eval: 8 labels · 1 without a result/);
  });

  it('writes an offline HTML report and a bands file that score, batch and report apply', () => {
    const labels = join(scratch, 'labels.csv');
    const html = join(scratch, 'eval.html');
    const bandsFile = join(scratch, 'bands.json');
    const r = cli(['eval', out, '--labels', labels, '--format', 'html', '--out', html, '--target-precision', '0.6', '--write-bands', bandsFile, '--bootstrap', '100']);
    assert.equal(r.status, 0, r.stderr);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<path class="roc"/);
    assert.match(page, /Reliability/);
    assert.doesNotMatch(page, /<script|src="http/);
    const bands = JSON.parse(readFileSync(bandsFile, 'utf8')) as { schema: string; high: number; low: number };
    assert.equal(bands.schema, 'cosmos-critic/bands@1');
    assert.ok(bands.low <= bands.high);
    const band = (s: number) => (s >= bands.high ? 'high' : s >= bands.low ? 'medium' : 'low');

    // batch --resume recomputes nothing; --sort-into links each video into the folder of its calibrated band.
    const sorted = join(scratch, 'sorted');
    const b = cli(['batch', videos, '--out', out, '--model', modelDir, '--cache-dir', join(scratch, 'cache'), '--resume', '--bands', bandsFile, '--sort-into', sorted]);
    assert.match(b.stdout, /sorted into .*: \d+ good, \d+ uncertain, \d+ bad, 1 without a score left out/);
    const folder = { high: 'good', medium: 'uncertain', low: 'bad' } as const;
    for (const [video, score] of scores()) {
      const placed = join(sorted, folder[band(score)], video.slice(videos.length + 1));
      assert.ok(lstatSync(placed).isSymbolicLink(), placed);
      assert.equal(readlinkSync(placed), video);
    }
    assert.ok(!existsSync(join(sorted, 'bad', 'broken.mp4')));
    const summary = readFileSync(join(out, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { score: number | null; band: string | null });
    for (const row of summary) if (row.score !== null) assert.equal(row.band, band(row.score));

    const rep = cli(['report', out, '--bands', bandsFile]);
    assert.equal(rep.status, 0, rep.stderr);
    const report = JSON.parse(rep.stdout) as { bands: unknown; groups: Array<{ bands: Record<string, number> }> };
    assert.deepEqual(report.bands, { high: bands.high, low: bands.low });
    const counts = { high: 0, medium: 0, low: 0 };
    for (const s of scores().values()) counts[band(s)]++;
    assert.deepEqual(report.groups[0]!.bands, counts);

    const s = cli(['score', join(videos, 'clip0.mp4'), '--model', modelDir, '--cache-dir', join(scratch, 'cache'), '--bands', bandsFile]);
    assert.equal(s.status, 0, s.stderr);
    const [score, printed] = s.stdout.trim().split(/\s+/);
    assert.equal(printed, band(Number(score)));
  });

  it('joins other metrics into the report and correlates them with the score', () => {
    const byVideo = scores();
    const metrics = join(scratch, 'metrics.csv');
    // A metric that falls as the score rises: Spearman −1.
    writeFileSync(metrics, ['video,sampson_error,model', ...[...byVideo.entries()].map(([v, s]) => `${v.slice(videos.length + 1)},${(1 - s) * 10},tiny`)].join('\n') + '\n');
    const r = cli(['report', out, '--metrics', metrics]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { metrics: { columns: string[]; correlations: Array<{ name: string; n: number; spearman: number }> } };
    assert.deepEqual(report.metrics.columns, ['sampson_error']);
    assert.equal(report.metrics.correlations[0]!.n, 6);
    assert.ok(Math.abs(report.metrics.correlations[0]!.spearman + 1) < 1e-9);
    const csv = cli(['report', out, '--metrics', metrics, '--format', 'csv']).stdout.trim().split('\n');
    assert.match(csv[0]!, /,sampson_error$/);
    const html = cli(['report', out, '--metrics', metrics, '--format', 'html', '--out', join(scratch, 'r.html')]);
    assert.equal(html.status, 0, html.stderr);
    assert.match(readFileSync(join(scratch, 'r.html'), 'utf8'), /class="metric-scatter"/);
  });

  it('report --labels adds the evaluation to the run report', () => {
    const labels = join(scratch, 'labels.csv');
    const r = cli(['report', out, '--labels', labels]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { evaluation: EvalReport };
    assert.equal(report.evaluation.runs[0]!.n, 6);
    const html = cli(['report', out, '--labels', labels, '--format', 'html', '--out', join(scratch, 'with-labels.html')]);
    assert.equal(html.status, 0, html.stderr);
    const page = readFileSync(join(scratch, 'with-labels.html'), 'utf8');
    assert.match(page, /<section id="evaluation">[\s\S]*<path class="roc"[\s\S]*<table class="confusion">[\s\S]*<h2>Videos \(lowest score first\)<\/h2>/);
  });

  it('one clear error for a bad labels file or a missing --labels', () => {
    const bad = join(scratch, 'bad.csv');
    writeFileSync(bad, 'video,label\nclip0.mp4,perhaps\n');
    const r = cli(['eval', out, '--labels', bad]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /bad\.csv:2: label "perhaps" is neither good\/bad nor a 1–5 plausibility score/);
    const u = cli(['eval', out]);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /eval needs --labels FILE/);
  });
});
