// `cosmos-critic eval` (default bootstrap) on 100,000 results (reward and critic, some failed, some with unparsed trials) against labels
// with violation times, versus only reading and parsing the same files, in the same run (median of 3 each,
// alternating). Run alone: node --import tsx test/bench/evalBench.ts
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/engine/eval/classification';
import { evaluateLabels } from '../../src/engine/eval/evaluateLabels';
import { readLabels } from '../../src/engine/eval/labels';
import { readResults } from '../../src/engine/eval/resultsSource';

const COUNT = Number(process.env.EVAL_BENCH_RESULTS ?? 100_000);
const RUNS = 3;

function writeFixture(dir: string): void {
  const random = seededRandom(9);
  const labels: string[] = [];
  for (let folder = 0; folder < COUNT / 1000; folder++) mkdirSync(join(dir, 'results', `f${folder}`), { recursive: true });
  for (let i = 0; i < COUNT; i++) {
    const video = `/data/videos/f${Math.floor(i / 1000)}/clip${i}.mp4`;
    const good = random() < 0.6;
    const score = Math.min(1, Math.max(0, (good ? 0.65 : 0.35) + (random() - 0.5) * 0.8));
    const critic = i % 4 === 0;
    const start = Math.round(random() * 40) / 10;
    const result = {
      schema: 'cosmos-critic/result@1',
      video: { path: video, sha256: 'x', duration_s: 5, width: 640, height: 480, fps: 30 },
      mode: critic ? 'critic' : 'reward',
      prompt: { id: critic ? 'critic' : 'reward', version: 1, sha256: 'p', path: null },
      model: { backend: 'onnx', id: 'bench', device: 'cpu', precision: 'fp16' },
      sampling: { rule: 'fps', fps: 4, frames: 20, width: 448, height: 336, frame_times_s: [] },
      ...(critic
        ? { critic: { score: Math.round(score * 4) / 4, trials: [0, 1, 2, 3].map(() => ({ overview: 'o', components: [], answer: i % 97 === 0 ? null : 'No', raw: 'answer text '.repeat(20), parse: 'ok' })) } }
        : { reward: { score, anomaly: score >= 0.5 ? 'No' : 'Yes', p_yes: 1 - score, p_no: score, band: 'medium' } }),
      violations: good ? [] : [{ category: 'gravity', component: 'ball', start_s: start, end_s: start + 1, description: 'floats', trial: 0 }],
      timing_ms: { probe: 1, decode: 1, vision: 1, prefill: 1, generate: 1, total: 5 },
      created_at: '2026-01-01T00:00:00Z',
    };
    const file = join(dir, 'results', `f${Math.floor(i / 1000)}`, `clip${i}.mp4.${result.prompt.id}-v1.bench-fp16${i % 211 === 0 ? '.failed' : ''}.json`);
    writeFileSync(file, i % 211 === 0 ? JSON.stringify({ video, prompt: { id: result.prompt.id, version: 1 }, model: 'bench-fp16', error: 'not a readable video' }) : JSON.stringify(result));
    const violations = good ? [] : [{ start_s: start + 0.2, end_s: start + 1.1, category: 'gravity' }];
    labels.push(JSON.stringify({ video: `f${Math.floor(i / 1000)}/clip${i}.mp4`, label: good ? 'good' : 'bad', violations }));
  }
  writeFileSync(join(dir, 'labels.jsonl'), labels.join('\n') + '\n');
  mkdirSync(join(dir, 'runs', 'r1'), { recursive: true });
  writeFileSync(join(dir, 'runs', 'r1', 'manifest.json'), JSON.stringify({ videos_root: '/data/videos' }));
}

/** The baseline: list, read and JSON.parse every file, nothing else (synchronously: the fastest plain way). */
async function readAndParse(dir: string): Promise<number> {
  let parsed = 0;
  for (const folder of await readdir(join(dir, 'results'))) {
    for (const f of await readdir(join(dir, 'results', folder))) {
      JSON.parse(readFileSync(join(dir, 'results', folder, f), 'utf8'));
      parsed++;
    }
  }
  return parsed;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

export async function evalBench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-eval-bench-'));
  try {
    const started = performance.now();
    writeFixture(dir);
    const fixtureMs = performance.now() - started;
    await readAndParse(dir); // warm the page cache for both
    const parseMs: number[] = [];
    const evalMs: number[] = [];
    const parseCpuMs: number[] = [];
    const evalCpuMs: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    const stagesMs: Array<Record<string, number>> = [];
    let summary: Record<string, unknown> = {};
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      let cpu = process.cpuUsage();
      await readAndParse(dir);
      parseMs.push(performance.now() - t);
      parseCpuMs.push(cpuMs(cpu));
      t = performance.now();
      cpu = process.cpuUsage();
      const results = await readResults(dir);
      const tRead = performance.now();
      const labels = await readLabels(join(dir, 'labels.jsonl'));
      const tLabels = performance.now();
      const report = evaluateLabels(results, labels);
      const tEval = performance.now();
      JSON.stringify(report);
      evalMs.push(performance.now() - t);
      evalCpuMs.push(cpuMs(cpu));
      stagesMs.push({ read_results: Math.round(tRead - t), read_labels: Math.round(tLabels - tRead), metrics_and_bootstrap: Math.round(tEval - tLabels) });
      summary = { runs: report.runs.map((r) => ({ prompt: r.prompt_id, n: r.n, bootstrap_rounds: r.roc_auc_ci95?.rounds, unscored: r.unscored.length, roc_auc: r.roc_auc, f1_at_0_3: r.timestamps?.at_iou[0]?.f1 })) };
    }
    return {
      results: COUNT,
      fixture_write_ms: Math.round(fixtureMs),
      read_and_parse_median_ms: Math.round(median(parseMs)),
      eval_median_ms: Math.round(median(evalMs)),
      ratio: +(median(evalMs) / median(parseMs)).toFixed(3),
      // CPU time (user + system) of this process: what the work costs when the machine is shared.
      read_and_parse_cpu_median_ms: Math.round(median(parseCpuMs)),
      eval_cpu_median_ms: Math.round(median(evalCpuMs)),
      cpu_ratio: +(median(evalCpuMs) / median(parseCpuMs)).toFixed(3),
      read_and_parse_ms: parseMs.map(Math.round),
      eval_ms: evalMs.map(Math.round),
      eval_stages_ms: stagesMs,
      ...summary,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void evalBench().then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
