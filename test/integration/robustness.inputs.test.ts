// Malformed and hostile input at every entry point that reads it: prompt files (parser, validator, CLI, LSP), result
// files (`report`, the results browser's loader), saved answers (`parse`) and CLI flags. Each table row is one case; adding a case is one line.
// Every case must end in a clear error that names the file or value and the fix, within a capped heap and a hang
// guard (the CLI runs with --max-old-space-size and a kill timeout), with everything else still processed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidOpenTextDocumentNotification, PublishDiagnosticsNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { evaluateVideo, localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { CacheStore } from '../../src/engine/store/cacheStore';
import type { RunReport } from '../../src/engine/store/runReport';
import { ResultRowsIndex } from '../../src/extension/results/resultRows';
import { parsePromptFile, PromptFileError } from '../../src/promptfile/promptFile';
import { MAX_DIAGNOSTICS, validatePromptFile } from '../../src/promptfile/validatePromptFile';
import { MAX_PROMPT_FILE_BYTES, MAX_RESULT_FILE_BYTES } from '../../src/shared/limits';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';
import { startStdioServer, type StdioServer } from './stdioServer';

/** The heap the CLI gets in these tests: every case must fit in it. */
const HEAP_MB = 256;
/** A hang guard, not a speed test: a case that has not ended by then is stuck. */
const HANG_GUARD_MS = 60_000;

let scratch: string;

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, requireBuilt(CLI), ...args], { encoding: 'utf8', timeout: HANG_GUARD_MS, env: { ...process.env, COSMOS_CRITIC_DEBUG: '', ...env } });
  assert.notEqual(r.signal, 'SIGTERM', `cosmos-critic ${args.join(' ').slice(0, 200)} did not end within ${HANG_GUARD_MS} ms`);
  return r;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('cosmos-critic: '));

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-robustness-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

// ───────────────────────────── prompt files ─────────────────────────────

const BODY = '## system\nCheck {{focus}}.\n## user\nAny anomalies?\n';
const prompt = (frontMatter: string, body = BODY) => `---\nid: robust\nversion: 1\n${frontMatter}\n---\n${body}`;
const many = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');

interface PromptCase {
  name: string;
  text: () => string;
  /** The message of the error that stops the file (parser, CLI, validator, LSP); null: the file is usable. */
  error: RegExp | null;
  /** Not in the error: a misleading message the file used to get. */
  not?: RegExp;
}

const PROMPT_CASES: PromptCase[] = [
  { name: 'a YAML bomb under an unknown key of a reward prompt', text: () => prompt(`mode: reward\nunknown:\n  ${laughs.replace(/\n/g, '\n  ')}`), error: /aliases expand into too much data/ },
  { name: '80 000 keys', text: () => prompt(many(80_000, (i) => `k${i}: ${i}`)), error: new RegExp(`too large \\(\\d+ bytes, limit ${MAX_PROMPT_FILE_BYTES}\\)`) },
  { name: 'a 200 KB system text', text: () => prompt('mode: critic', `## system\n${'Check the physics. '.repeat(11_000)}\n## user\nAny anomalies?\n`), error: /too large \(\d+ bytes, limit 65536\).*move long material out/ },
  { name: '5 000 unknown keys under the size limit', text: () => prompt(many(5000, (i) => `k${i}: ${i}`)), error: null },
  { name: '5 000 duplicate keys', text: () => prompt(many(5000, () => 'mode: critic')), error: /Map keys must be unique/ },
  { name: 'brackets nested 20 000 deep', text: () => prompt(`focus: ${'['.repeat(20_000)}${']'.repeat(20_000)}`), error: /brackets nest 20000 deep \(limit 32\)/ },
  { name: 'max_new_tokens: 1e12', text: () => prompt('generation: { max_new_tokens: 1e12 }'), error: /"generation\.max_new_tokens" must be at most 32768, not 1000000000000/ },
  { name: 'fps: 1e9', text: () => prompt('video: { fps: 1e9 }'), error: /"video\.fps" must be at most 120, not 1000000000/ },
  { name: 'max_frames: 10 000 000', text: () => prompt('video: { max_frames: 10000000 }'), error: /"video\.max_frames" must be at most 2048/ },
  { name: 'total_pixels: 1e15', text: () => prompt('video: { total_pixels: 1e15 }'), error: /"video\.total_pixels" must be at most 100352000/ },
  { name: 'max_pixels: 0', text: () => prompt('video: { max_pixels: 0 }'), error: /"video\.max_pixels" must be at least 1, not 0/ },
  { name: 'trials: 1 000 000', text: () => prompt('mode: critic\ntrials: 1000000'), error: /"trials" must be at most 64, not 1000000/ },
  { name: 'top_k: -1', text: () => prompt('generation: { top_k: -1 }'), error: /"generation\.top_k" must be at least 0, not -1/ },
  { name: 'an unclosed quote', text: () => '---\nid: "robust\nversion: 1\n---\n' + BODY, error: /YAML: Missing closing "quote/, not: /needs "version"/ },
  { name: 'an empty file', text: () => '', error: /must start with a "---" line/ },
  { name: 'binary bytes', text: () => '\u0000\u0001\ufffd\u0007'.repeat(1000), error: /must start with a "---" line/ },
  { name: '30 000 empty lines', text: () => '\r\n'.repeat(30_000), error: /must start with a "---" line/ },
  { name: '7 000 unknown {{variables}}', text: () => prompt('mode: critic', `## system\n${'{{nope}}'.repeat(7000)}\n## user\nU\n`), error: /Unknown variable \{\{nope\}\}/ },
];

describe('prompt files: parser and validator', () => {
  for (const c of PROMPT_CASES) {
    it(c.name, () => {
      const text = c.text();
      const diagnostics = validatePromptFile(text, { exists: () => true });
      assert.ok(diagnostics.length <= MAX_DIAGNOSTICS, `${diagnostics.length} diagnostics`);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (c.error === null) {
        assert.deepEqual(errors, []);
        assert.equal(parsePromptFile(text, 'case.prompt.md').id, 'robust');
        return;
      }
      assert.ok(errors.some((d) => c.error!.test(d.message)), `no error matching ${c.error}: ${errors.map((d) => d.message).join(' | ')}`);
      if (c.not) assert.ok(!diagnostics.some((d) => c.not!.test(d.message)), 'a misleading diagnostic');
      assert.throws(() => parsePromptFile(text, 'case.prompt.md'), (err: unknown) => err instanceof PromptFileError && /^case\.prompt\.md: line \d+: /.test(err.message) && c.error!.test(err.message) && !(c.not?.test(err.message) ?? false));
    });
  }
});

describe('prompt files: the CLI refuses them with one line naming the file', () => {
  for (const c of PROMPT_CASES.filter((x) => x.error !== null)) {
    it(c.name, () => {
      const file = join(scratch, `${c.name.replace(/\W+/g, '-')}.prompt.md`);
      writeFileSync(file, c.text());
      // The prompt is read before any model or video: a bad one costs nothing else.
      const r = cli(['critique', join(scratch, 'no-such-video.mp4'), '--prompt', file]);
      assert.equal(r.status, 1, r.stderr);
      const lines = errorLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(file), lines[0]);
      assert.match(lines[0]!, c.error!);
      assert.equal(r.stdout, '', 'nothing ran: no result, no ".undefined-vundefined" file');
    });
  }
});

describe('prompt files over LSP: every document gets its diagnostics, a bad one does not hold up the others', () => {
  let server: StdioServer;
  const published = new Map<string, PublishDiagnosticsParams>();
  const waiters: Array<() => void> = [];
  const uriOf = (name: string) => pathToFileURL(join(scratch, 'lsp', `${name.replace(/\W+/g, '-')}.prompt.md`)).href;
  const diagnosticsOf = async (uri: string) => {
    while (!published.has(uri)) await new Promise<void>((resolve) => waiters.push(resolve));
    return published.get(uri)!.diagnostics;
  };

  before(async () => {
    // The server runs with the same capped heap as the CLI cases (it inherits NODE_OPTIONS).
    const nodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --max-old-space-size=${HEAP_MB}`.trim();
    server = await startStdioServer({}, (connection) =>
      connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        published.set(params.uri, params);
        for (const wake of waiters.splice(0)) wake();
      }),
    );
    const open = (uri: string, text: string) => server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'critic-prompt', version: 1, text } });
    // The hostile documents first, a good one last: it must get its (empty) diagnostics like any other.
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
    for (const c of PROMPT_CASES) await open(uriOf(c.name), c.text());
    await open(uriOf('good'), prompt('mode: critic\nfocus: [gravity]'));
  });
  after(() => server.stop());

  it('the good document, opened after all the others', async () => {
    assert.deepEqual(await diagnosticsOf(uriOf('good')), []);
  });

  it('a file over the size limit gets one diagnostic with its size and the limit, nothing parsed', async () => {
    const diagnostics = await diagnosticsOf(uriOf('80 000 keys'));
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'file-too-large');
    assert.match(String(diagnostics[0]!.message), /^The file is too large \(\d+ bytes, limit 65536\)/);
  });

  for (const c of PROMPT_CASES.filter((x) => x.error !== null)) {
    it(c.name, async () => {
      const diagnostics = await diagnosticsOf(uriOf(c.name));
      assert.ok(diagnostics.length <= MAX_DIAGNOSTICS);
      assert.ok(diagnostics.some((d) => d.severity === 1 && c.error!.test(String(d.message))), diagnostics.map((d) => d.message).slice(0, 5).join(' | '));
    });
  }
});

// ───────────────────────────── result files ─────────────────────────────

function result(video: string, score: number): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: video, sha256: 'a'.repeat(64), duration_s: 2, width: 320, height: 240, fps: 25 },
    mode: 'reward',
    prompt: { id: 'reward', version: 1, sha256: 'b'.repeat(64), path: null },
    model: { backend: 'onnx', id: 'tiny-model', device: 'cpu', precision: 'fp32' },
    sampling: { rule: 'reward', fps: 2, frames: 4, width: 56, height: 56, frame_times_s: [0, 0.5, 1, 1.5] },
    reward: { score, anomaly: score >= 0.5 ? 'No' : 'Yes', p_yes: 1 - score, p_no: score, band: score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low' },
    violations: [],
    timing_ms: { probe: 1, decode: 1, vision: 1, prefill: 1, generate: 0, total: 4 },
    created_at: '2026-01-01T00:00:00.000Z',
  };
}

interface ResultCase {
  name: string;
  /** The file under results/ ("*.failed.json" for a failure record). */
  file: string;
  content: () => string | Buffer;
  problem: RegExp;
}

const good = JSON.stringify(result('/videos/x.mp4', 0.5), null, 2);
const RESULT_CASES: ResultCase[] = [
  { name: 'cut short', file: 'cut.mp4.reward-v1.tiny-model-fp32.json', content: () => good.slice(0, good.length / 2), problem: /not valid JSON .*cut short; re-run the video \(batch --resume rewrites it\) or delete the file/ },
  { name: 'null', file: 'null.mp4.reward-v1.tiny-model-fp32.json', content: () => 'null', problem: /holds null, not a result/ },
  { name: 'a bare schema', file: 'bare.mp4.reward-v1.tiny-model-fp32.json', content: () => '{"schema":"cosmos-critic/result@1"}', problem: /an incomplete result \(no "video\.path"\)/ },
  { name: 'no model', file: 'nomodel.mp4.reward-v1.tiny-model-fp32.json', content: () => JSON.stringify({ ...result('/videos/m.mp4', 0.5), model: null }), problem: /no "model\.backend" and "model\.id"/ },
  { name: 'a score that is text', file: 'text.mp4.reward-v1.tiny-model-fp32.json', content: () => JSON.stringify({ ...result('/videos/t.mp4', 0.5), reward: { score: 'high' } }), problem: /"reward\.score" is not a number/ },
  { name: 'violations that are not a list', file: 'viol.mp4.reward-v1.tiny-model-fp32.json', content: () => JSON.stringify({ ...result('/videos/v.mp4', 0.5), violations: 'many' }), problem: /no "violations" list/ },
  { name: 'a list', file: 'list.mp4.reward-v1.tiny-model-fp32.json', content: () => '[1,2,3]', problem: /holds a list, not a result/ },
  { name: 'binary bytes', file: 'bin.mp4.reward-v1.tiny-model-fp32.json', content: () => Buffer.from([0, 159, 146, 150, 255, 0]), problem: /not valid JSON/ },
  { name: 'JSON nested 100 000 deep', file: 'deep.mp4.reward-v1.tiny-model-fp32.json', content: () => '['.repeat(100_000) + ']'.repeat(100_000), problem: /holds a list, not a result|cannot be read/ },
  { name: 'a failure record without a video', file: 'x.mp4.reward-v1.tiny-model-fp32.failed.json', content: () => '{"error": "boom"}', problem: /a failure record without "video"/ },
  { name: 'over the size limit', file: 'huge.mp4.reward-v1.tiny-model-fp32.json', content: () => Buffer.alloc(MAX_RESULT_FILE_BYTES + 1, 32), problem: new RegExp(`too large to be a result \\(${MAX_RESULT_FILE_BYTES + 1} bytes, limit ${MAX_RESULT_FILE_BYTES}\\)`) },
];

/** A results folder with two good results and the case's file. */
function resultsFolder(c: ResultCase): { dir: string; bad: string } {
  const dir = join(scratch, 'results', c.name.replace(/\W+/g, '-'));
  mkdirSync(join(dir, 'results'), { recursive: true });
  writeFileSync(join(dir, 'results', 'a.mp4.reward-v1.tiny-model-fp32.json'), JSON.stringify(result('/videos/a.mp4', 0.9)));
  writeFileSync(join(dir, 'results', 'b.mp4.reward-v1.tiny-model-fp32.json'), JSON.stringify(result('/videos/b.mp4', 0.1)));
  const bad = join(dir, 'results', c.file);
  writeFileSync(bad, c.content());
  return { dir, bad };
}

describe('result files: `report` names the bad file, counts the others and exits 1', () => {
  for (const c of RESULT_CASES) {
    it(c.name, () => {
      const { dir, bad } = resultsFolder(c);
      const r = cli(['report', dir, '--format', 'json']);
      assert.equal(r.status, 1, r.stderr);
      const lines = errorLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.startsWith(`cosmos-critic: ${bad}: `), lines[0]);
      assert.match(lines[0]!, c.problem);
      const report = JSON.parse(r.stdout) as RunReport;
      assert.deepEqual(report.totals, { results: 2, unparsed: 0, failed: 0, unreadable: 1 });
      assert.deepEqual(report.rows.map((row) => row.video).sort(), ['/videos/a.mp4', '/videos/b.mp4']);
      assert.equal(report.problems[0]!.file, bad);
      for (const format of ['csv', 'html']) {
        const other = cli(['report', dir, '--format', format, '--out', join(dir, `report.${format}`)]);
        assert.equal(other.status, 1, other.stderr);
        assert.equal(errorLines(other.stderr).length, 1);
      }
    });
  }
});

describe("result files: the results browser's loader keeps the good rows and says which file it could not read", () => {
  for (const c of RESULT_CASES) {
    it(c.name, async () => {
      const { dir, bad } = resultsFolder(c);
      const index = new ResultRowsIndex(dir);
      const rows = await index.refresh();
      assert.deepEqual(rows.map((row) => row.video).sort(), ['/videos/a.mp4', '/videos/b.mp4']);
      const problems = index.problems();
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.file, bad);
      assert.match(problems[0]!.problem, c.problem);
    });
  }
});

// ───────────────────────────── saved answers (`parse`) ─────────────────────────────

interface AnswerCase {
  name: string;
  content: () => string | Buffer;
  error: RegExp;
}

const ANSWER_CASES: AnswerCase[] = [
  { name: 'an empty file', content: () => '', error: /the file is empty/ },
  { name: 'over the size limit', content: () => Buffer.alloc(MAX_RESULT_FILE_BYTES + 1, 97), error: new RegExp(`too large to be saved answers \\(${MAX_RESULT_FILE_BYTES + 1} bytes, limit ${MAX_RESULT_FILE_BYTES}\\): split it`) },
];

describe('saved answers: `parse` names the bad file and still parses the others', () => {
  for (const c of ANSWER_CASES) {
    it(c.name, () => {
      const dir = join(scratch, 'answers', c.name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      const bad = join(dir, 'bad.txt');
      const goodFile = join(dir, 'good.txt');
      writeFileSync(bad, c.content());
      writeFileSync(goodFile, '<think><overview>A ball falls.</overview></think>\n<answer>No</answer>');
      const r = cli(['parse', bad, goodFile]);
      assert.equal(r.status, 1, r.stderr);
      const lines = errorLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.startsWith(`cosmos-critic: ${bad}: `), lines[0]);
      assert.match(lines[0]!, c.error);
      assert.deepEqual(r.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { file: string }).file), [goodFile]);
    });
  }
});

// ───────────────────────────── CLI flags ─────────────────────────────

interface FlagCase {
  args: (dir: string) => string[];
  /** The one error line: names the flag, the value and the allowed range. */
  error: RegExp;
}

const video = (dir: string) => join(dir, 'clip.mp4');
const FLAG_CASES: FlagCase[] = [
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--concurrency', '100000000'], error: /--concurrency must be a whole number from 1 to 64, got "100000000"/ },
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--concurrency', '0'], error: /--concurrency must be a whole number from 1 to 64, got "0"/ },
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--concurrency', '1.5'], error: /--concurrency must be a whole number from 1 to 64, got "1\.5"/ },
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--concurrency', 'Infinity'], error: /--concurrency must be .* got "Infinity"/ },
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--concurrency', ''], error: /--concurrency must be .* got ""/ },
  { args: (d) => ['batch', d, '--out', join(d, 'out'), '--batch-size', '1e9'], error: /--batch-size must be a whole number from 0 to 256, got "1e9"/ },
  { args: (d) => ['critique', video(d), '--trials', '1000000000'], error: /--trials must be a whole number from 1 to 64/ },
  { args: (d) => ['critique', video(d), '--max-new-tokens', '1e12'], error: /--max-new-tokens must be a whole number from 1 to 32768, got "1e12"/ },
  { args: (d) => ['critique', video(d), '--seed=-1'], error: /--seed must be a whole number from 0 to 4294967295, got "-1"/ },
  { args: (d) => ['critique', video(d), '--model', join(d, 'no-model'), '--cuda-device', '99999'], error: /--cuda-device must be a whole number from 0 to 63, got "99999"/ },
  { args: (d) => ['probe', video(d), '--fps', '1e9'], error: /--fps must be a number more than 0 and at most 120, got "1e9"/ },
  { args: (d) => ['parse', video(d), '--fps', '1e9'], error: /--fps must be a number more than 0 and at most 120, got "1e9"/ },
  { args: (d) => ['probe', video(d), '--fps', 'NaN'], error: /--fps must be a number more than 0 and at most 120, got "NaN"/ },
  { args: (d) => ['probe', video(d), '--nframes', '1'], error: /--nframes must be a whole number from 2 to 2048, got "1"/ },
  { args: (d) => ['probe', video(d), '--max-frames', '1e12'], error: /--max-frames must be a whole number from 1 to 2048/ },
  { args: (d) => ['probe', video(d), '--total-pixels', '1e20'], error: /--total-pixels must be a whole number from 1 to 100352000/ },
  { args: (d) => ['probe', video(d), '--max-pixels=-5'], error: /--max-pixels must be a whole number from 1 to 12845056, got "-5"/ },
  { args: (d) => ['score', video(d), '--endpoint', 'http://127.0.0.1:9/v1', '--timeout', '1e12'], error: /--timeout must be a number more than 0 and at most 86400, got "1e12"/ },
  { args: (d) => ['score', video(d), '--endpoint', 'http://127.0.0.1:9/v1', '--top-logprobs', '1e9'], error: /--top-logprobs must be a whole number from 2 to 1000/ },
];

describe('CLI flags: a value out of range is a usage error naming the flag, the value and the range', () => {
  for (const c of FLAG_CASES) {
    const args = c.args('DIR');
    it(args.join(' '), () => {
      const dir = join(scratch, 'flags');
      mkdirSync(dir, { recursive: true });
      writeFileSync(video(dir), 'not a video');
      const r = cli(c.args(dir));
      assert.equal(r.status, 2, r.stderr);
      const lines = errorLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, c.error);
      assert.match(lines[0]!, /Run "cosmos-critic \w+ --help"/);
    });
  }
});

// ───────────────────────────── a prompt within the size limit but past the model's context ─────────────────────────────

describe("a prompt longer than the model's context", () => {
  it('is one clear error before inference, not an allocation failure inside it', async () => {
    ensureVideoFixtures(['short']);
    const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
    const engine = localEngine(model, locateFfmpeg(), new CacheStore(join(scratch, 'context-cache')));
    // Under the 64 KiB file limit; the tiny model's byte-level tokenizer makes well over 32768 tokens of it.
    const text = prompt('mode: reward', `## system\n${Array.from({ length: 6000 }, (_, i) => `q${i}x `).join('')}\n## user\nAny anomalies?\n`);
    assert.ok(Buffer.byteLength(text) < MAX_PROMPT_FILE_BYTES);
    await assert.rejects(evaluateVideo(engine, videoPath('short'), parsePromptFile(text, 'long.prompt.md')), /the prompt and the video make \d+ tokens .* more than the model's context of 32768: shorten the prompt's text/);
  });
});
