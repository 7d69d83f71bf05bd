import assert from 'node:assert/strict';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { escapeGlobPath } from '../../src/extension/batch/batchPlan';
import { BatchRequest } from '../../src/shared/requests';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let connection: ProtocolConnection;
let server: StdioServer;
let scratch: string;

before(async () => {
  ensureVideoFixtures(['short', 'h264Mov']);
  const modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-batch-root-'));
  server = await startStdioServer({ modelPath: modelDir, device: 'cpu', cacheDir: join(scratch, 'cache') });
  connection = server.connection;
});

after(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('critic/batch as the workspace commands send it', () => {
  it('names results under the workspace folder, so a folder run and a workspace run resume each other', async () => {
    const workspace = join(scratch, 'ws');
    mkdirSync(join(workspace, 'clips', 'take[2]'), { recursive: true });
    const inFolder = join(workspace, 'clips', 'take[2]', 'ball.mp4');
    const atTop = join(workspace, 'top.mov');
    copyFileSync(videoPath('short'), inFolder);
    copyFileSync(videoPath('h264Mov'), atTop);
    const outDir = join(workspace, '.cosmos-critic');

    // "Critique Folder" on clips/take[2]: explicit file list, glob characters escaped.
    const folderRun = await connection.sendRequest(BatchRequest, { inputs: [escapeGlobPath(inFolder)], outDir, videosRoot: workspace });
    assert.ok(folderRun.ok, JSON.stringify(folderRun));
    assert.deepEqual(folderRun.summary.counts, { total: 1, done: 1, failed: 0, skipped: 0 });
    const results = readdirSync(join(outDir, 'results'), { recursive: true }) as string[];
    assert.ok(results.some((f) => f.split(/[\\/]/).join('/').startsWith('clips/take[2]/ball.mp4.reward-v1.')), results.join(', '));

    // "Critique All Videos in Workspace": the folder's video is already done.
    const workspaceRun = await connection.sendRequest(BatchRequest, { inputs: [atTop, escapeGlobPath(inFolder)], outDir, videosRoot: workspace });
    assert.ok(workspaceRun.ok, JSON.stringify(workspaceRun));
    assert.deepEqual(workspaceRun.summary.counts, { total: 2, done: 1, failed: 0, skipped: 1 });
  });

  it('ignores a videosRoot that does not hold every video', async () => {
    const folder = join(scratch, 'elsewhere');
    mkdirSync(folder, { recursive: true });
    const video = join(folder, 'clip.mp4');
    copyFileSync(videoPath('short'), video);
    const outDir = join(scratch, 'out-elsewhere');
    const run = await connection.sendRequest(BatchRequest, { inputs: [video], outDir, videosRoot: join(scratch, 'ws') });
    assert.ok(run.ok, JSON.stringify(run));
    assert.deepEqual(readdirSync(join(outDir, 'results')).filter((f) => f.startsWith('clip.mp4.')).length, 1);
  });

  it('applies the bands it is given to the summary and sorts the videos into band folders, as batch --bands --sort-into', async () => {
    const workspace = join(scratch, 'ws-sort');
    mkdirSync(join(workspace, 'clips'), { recursive: true });
    const a = join(workspace, 'clips', 'a.mp4');
    const b = join(workspace, 'b.mov');
    copyFileSync(videoPath('short'), a);
    copyFileSync(videoPath('h264Mov'), b);
    const outDir = join(workspace, '.cosmos-critic');
    const sorted = join(scratch, 'sorted');

    // Cut-offs at 0: every score is high, so every video is good.
    const first = await connection.sendRequest(BatchRequest, { inputs: [a, b], outDir, videosRoot: workspace, bands: { high: 0, low: 0 }, sortInto: { dir: sorted, mode: 'link' } });
    assert.ok(first.ok, JSON.stringify(first));
    assert.deepEqual(first.summary.sorted, { dir: sorted, placed: { good: 2, uncertain: 0, bad: 0 }, unscored: 0, errors: [] });
    assert.ok(lstatSync(join(sorted, 'good', 'clips', 'a.mp4')).isSymbolicLink());
    assert.equal(realpathSync(join(sorted, 'good', 'b.mov')), realpathSync(b));
    const bands = () => readFileSync(join(outDir, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { band: string }).band);
    assert.deepEqual(bands(), ['high', 'high']);

    // Cut-offs at 1 (no score reaches them): the resumed run re-sorts both as bad, as copies, and empties good/.
    const second = await connection.sendRequest(BatchRequest, { inputs: [a, b], outDir, videosRoot: workspace, bands: { high: 1, low: 1 }, sortInto: { dir: sorted, mode: 'copy' } });
    assert.ok(second.ok, JSON.stringify(second));
    assert.deepEqual(second.summary.counts, { total: 2, done: 0, failed: 0, skipped: 2 });
    assert.deepEqual(second.summary.sorted?.placed, { good: 0, uncertain: 0, bad: 2 });
    assert.ok(lstatSync(join(sorted, 'bad', 'clips', 'a.mp4')).isFile());
    assert.equal(statSync(join(sorted, 'bad', 'b.mov')).size, statSync(b).size);
    assert.equal(existsSync(join(sorted, 'good', 'clips', 'a.mp4')), false);
    assert.deepEqual(bands(), ['low', 'low'], 'the summary is rewritten with the bands of this run');
  });

  it('refuses bands out of order and a relative sort folder, with one clear error', async () => {
    const video = join(scratch, 'ws', 'top.mov');
    const outDir = join(scratch, 'out-refused');
    const badBands = await connection.sendRequest(BatchRequest, { inputs: [video], outDir, bands: { high: 0.2, low: 0.6 } });
    assert.equal(badBands.ok, false);
    if (!badBands.ok) assert.match(badBands.error.message, /low.*above.*high/);
    const relative = await connection.sendRequest(BatchRequest, { inputs: [video], outDir, sortInto: { dir: 'sorted', mode: 'link' } });
    assert.equal(relative.ok, false);
    if (!relative.ok) assert.match(relative.error.message, /absolute folder/);
    assert.equal(existsSync(outDir), false);
  });
});
