import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
});
