import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  createProtocolConnection,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  ExitNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  CancellationTokenSource,
  ResponseError,
  LSPErrorCodes,
} from 'vscode-languageserver-protocol/node';
import { ProbeRequest, type CriticServerOptions } from '../../src/shared/requests';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { SERVER, requireBuilt } from './builtArtifacts';

interface Running {
  connection: ProtocolConnection;
  child: ChildProcess;
}

async function initialize(connection: ProtocolConnection, options: CriticServerOptions) {
  connection.listen();
  return connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: options,
  });
}

function startOverStdio(): Running {
  const child = spawn(process.execPath, [requireBuilt(SERVER), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  return { connection, child };
}

function startOverIpc(): Running {
  const child = fork(requireBuilt(SERVER), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  return { connection, child };
}

async function stop({ connection, child }: Running): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await exited;
  connection.dispose();
}

before(() => {
  ensureVideoFixtures();
  ensureBadInputs();
});

for (const [transport, start] of [['stdio', startOverStdio], ['IPC', startOverIpc]] as const) {
  describe(`critic server over ${transport}`, () => {
    let server: Running;
    before(async () => {
      server = start();
      const init = await initialize(server.connection, {});
      assert.equal(init.serverInfo?.name, 'cosmos-critic-server');
    });
    after(() => stop(server));

    it('answers critic/probe with one outcome per path, in order', async () => {
      const paths = [videoPath('h264Mp4'), badInputPath('randomBytes'), videoPath('rotated')];
      const { results } = await server.connection.sendRequest(ProbeRequest, { paths, sampling: { fps: 2 } });
      assert.equal(results.length, 3);
      const [first, second, third] = results;
      assert.ok(first?.ok && third?.ok && second && !second.ok);
      assert.equal(first.probe.video.frame_count, 75);
      assert.equal(first.probe.plan.frames, 6);
      assert.equal(third.probe.video.width, 240);
      assert.equal(second.error.file, paths[1]);
      assert.match(second.error.message, /not a readable video/);
    });

    it('stops a probe when the client cancels it', async () => {
      const source = new CancellationTokenSource();
      const paths = Array.from({ length: 40 }, () => videoPath('tenMinutes'));
      const pending = server.connection.sendRequest(ProbeRequest, { paths }, source.token);
      setTimeout(() => source.cancel(), 150);
      await assert.rejects(pending, (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled);
    });
  });
}

describe('critic server with a wrong ffmpeg path', () => {
  let server: Running;
  before(async () => {
    server = startOverStdio();
    await initialize(server.connection, { ffmpegPath: '/nonexistent/ffmpeg-folder' });
  });
  after(() => stop(server));

  it('fails each probe with the install hint instead of crashing', async () => {
    const { results } = await server.connection.sendRequest(ProbeRequest, { paths: [videoPath('short')] });
    const [only] = results;
    assert.ok(only && !only.ok);
    assert.match(only.error.message, /\/nonexistent\/ffmpeg-folder" does not exist/);
    assert.match(only.error.message, /cosmosCritic\.ffmpegPath/);
  });
});
