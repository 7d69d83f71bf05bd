// The API key stays out of everything a run writes or prints, even when a server echoes it back or it is written into
// the endpoint URL; and a cached result is never passed off as the answer of an endpoint that did not give it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { EndpointPool } from '../../src/engine/remote/endpointPool';
import { evaluateVideoRemote, type RemoteEngine } from '../../src/engine/remote/remoteEvaluate';
import { createOpenAiServer } from '../../src/engine/serve/openaiServer';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

const tools = locateFfmpeg();
let scratch: string;
const servers: Server[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => req.on('data', () => undefined).on('end', () => handler(req, res)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

/** A server that refuses every request with a 400 whose body echoes the request's headers, as some proxies do. */
const echoingServer = (seen: string[] = []) =>
  listen((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad request; headers were ${JSON.stringify(req.headers)}` } }));
  });

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [requireBuilt(CLI), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

/** Every file a run wrote under `out`, as one text. */
const everythingWritten = (out: string) =>
  (readdirSync(out, { recursive: true }) as string[])
    .map((f) => join(out, f))
    .filter((f) => f.endsWith('.json') || f.endsWith('.jsonl') || f.endsWith('.csv'))
    .map((f) => `${f}\n${readFileSync(f, 'utf8')}`)
    .join('\n');

before(() => {
  ensureVideoFixtures(['short']);
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-secrets-'));
  mkdirSync(join(scratch, 'videos'));
  copyFileSync(videoPath('short'), join(scratch, 'videos', 'a.mp4'));
});

after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('secrets', () => {
  it('an error body that echoes "Bearer <key>" reaches neither stderr nor summaries nor *.failed.json', async () => {
    const key = 'nvapi-S3cretS3cretS3cretS3cret';
    const seen: string[] = [];
    const url = await echoingServer(seen);
    const out = join(scratch, 'echo');
    const r = await runCli(['batch', join(scratch, 'videos'), '--out', out, '--endpoint', url, '--model-name', 'tiny', '--video-input', 'url', '--cache-dir', join(scratch, 'cache-echo')], { COSMOS_CRITIC_API_KEY: key });
    assert.equal(r.code, 1, r.stderr);
    // The server is asked for its kind (/v1/metadata) and then for the answer: the key goes with every request.
    assert.ok(seen.length >= 1 && seen.every((h) => h === `Bearer ${key}`), `the key was sent: ${JSON.stringify(seen)}`);
    assert.match(r.stderr, /refused the request \(HTTP 400: bad request; headers were .*"authorization":"Bearer \*\*\*"/);
    const written = everythingWritten(out);
    assert.match(written, /failed\.json/);
    assert.match(written, /Bearer \*\*\*/);
    for (const text of [r.stderr, written]) assert.ok(!text.includes('S3cret'), text);
  });

  it('a key written into the --endpoint URL is sent as Basic auth and recorded nowhere', async () => {
    const seen: string[] = [];
    const url = (await echoingServer(seen)).replace('http://', 'http://team:urlS3cretKey@');
    const out = join(scratch, 'url-key');
    const r = await runCli(['batch', join(scratch, 'videos'), '--out', out, '--endpoint', url, '--model-name', 'tiny', '--video-input', 'url', '--cache-dir', join(scratch, 'cache-url')], { COSMOS_CRITIC_API_KEY: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(seen.length >= 1 && seen.every((h) => h === `Basic ${Buffer.from('team:urlS3cretKey').toString('base64')}`), JSON.stringify(seen));
    const [run] = readdirSync(join(out, 'runs'));
    const manifest = JSON.parse(readFileSync(join(out, 'runs', run!, 'manifest.json'), 'utf8')) as { device: string };
    assert.match(manifest.device, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1$/);
    for (const text of [r.stderr, everythingWritten(out)]) {
      assert.ok(!text.includes('urlS3cretKey'), text);
      assert.ok(!text.includes(Buffer.from('team:urlS3cretKey').toString('base64')), text);
    }
  });
});

describe('the remote result cache', () => {
  it('a result cached from one endpoint is not served for another that refuses every request', async () => {
    const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
    const serve = createOpenAiServer({ engine: localEngine(model, tools, new CacheStore(join(scratch, 'serve-cache'))), modelNames: ['tiny'], allowedMediaPath: FIXTURE_DIR });
    serve.listen(0, '127.0.0.1');
    await once(serve, 'listening');
    servers.push(serve);
    const good = `http://127.0.0.1:${(serve.address() as AddressInfo).port}/v1`;
    const refusing = await echoingServer();
    const cache = new CacheStore(join(scratch, 'client-cache'));
    const engine = (url: string): RemoteEngine => ({ pool: new EndpointPool([{ baseUrl: url, backoffMs: 5, retries: 0 }]), modelName: 'tiny', tools, videoInput: 'url', topLogprobs: 400, cache });
    const prompt = loadPrompt('reward');

    const first = await evaluateVideoRemote(engine(good), videoPath('short'), prompt);
    assert.equal(first.model.device, good);
    const again = await evaluateVideoRemote(engine(good), videoPath('short'), prompt);
    assert.equal(again.cache?.result, true, 'the same endpoint reuses its cached result');
    await assert.rejects(evaluateVideoRemote(engine(refusing), videoPath('short'), prompt), /refused the request \(HTTP 400/);
    const pooled = await evaluateVideoRemote({ ...engine(good), pool: new EndpointPool([{ baseUrl: refusing }, { baseUrl: good }]) }, videoPath('short'), prompt);
    assert.equal(pooled.cache?.result, true, 'a pool that holds the endpoint that answered reuses it');
  });
});
