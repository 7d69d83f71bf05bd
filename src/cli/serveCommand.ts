import { once } from 'node:events';
import { isIPv6, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createOpenAiServer } from '../engine/serve/openaiServer';
import type { LocalEngine } from '../engine/evaluate/evaluateVideo';
import { rangeProblem } from '../engine/serve/numberRange';
import { allowedMediaFolder } from '../engine/serve/requestVideo';
import { DEFAULT_SERVE_LIMITS, SERVE_LIMIT_RANGES, type ServeLimits } from '../engine/serve/serveLimits';
import type { CliIo } from './cliIo';
import { ENGINE_FLAG_SPECS, engineFrom } from './engineFlags';
import { UsageError } from './usageError';
import { WORKER_FLAGS_HELP, WORKER_FLAG_SPECS, workerPoolFrom } from './workerFlags';

const MIB = 1024 * 1024;

export const SERVE_HELP = `cosmos-critic serve --model DIR [--port N] [--host H] [options]

Serves the local model as an OpenAI-compatible chat-completions API (POST /v1/chat/completions with
video input, logprobs and streaming; GET /v1/models; GET /health), so that one GPU box can serve a team
(point "cosmos-critic score --endpoint http://HOST:PORT/v1" or the extension's endpoints at it).

Video input: a video_url part holding data:video/jpeg;base64,<frame>,<frame>,… (the sampled frames, as
vLLM accepts them), a data: URL of a video file, or file:///path inside --allowed-local-media-path.
Sampling options go in mm_processor_kwargs (fps, nframes, max_pixels, total_pixels, …; sampling: "reward"
for the reward model's frame rule). One request runs at a time per engine; others wait their turn. With
--workers N or --devices 0,1,… each worker process runs one request at a time and requests go to the
least-loaded worker; a worker that dies is restarted and its request run once more (not a stream that
has begun).

Options:
  --port N                        port (default 8000; 0 picks a free one)
  --host H                        address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --served-model-name NAME        the name clients use (default: the model folder's name)
  --allowed-local-media-path DIR  let clients pass file:// URLs of videos inside DIR
${WORKER_FLAGS_HELP}

Access (see README, "Security"):
  --api-key KEY                   require "Authorization: Bearer KEY" on /v1 (better: set COSMOS_CRITIC_SERVE_KEY,
                                  which other users of the machine cannot read from the process list)
  --allowed-host NAME             also answer requests whose Host is NAME (repeatable; "*" for any). Always
                                  answered: the --host address, localhost, 127.0.0.1, [::1] (and, with 0.0.0.0,
                                  this machine's name and addresses)
  --allowed-origin ORIGIN         let web pages from ORIGIN (e.g. https://tools.example.com) call the server
                                  (repeatable; "*" for any). Requests from other web pages are refused

Limits (a request over one is refused with a 4xx naming the limit):
  --max-tokens N                  tokens one completion may generate (default ${DEFAULT_SERVE_LIMITS.maxTokens})
  --max-frames N                  frames of one video (default ${DEFAULT_SERVE_LIMITS.maxFrames})
  --max-pixels N                  pixels of one frame (default ${DEFAULT_SERVE_LIMITS.maxPixels})
  --max-fps X                     mm_processor_kwargs.fps when the server samples a file (default ${DEFAULT_SERVE_LIMITS.maxFps})
  --max-body-mb X                 request body size, MiB (default ${DEFAULT_SERVE_LIMITS.maxBodyBytes / MIB})
  --max-queue N                   requests that may wait while one runs (per worker: while each runs one); more get
                                  429 (default ${DEFAULT_SERVE_LIMITS.maxQueue})
  --max-model-len N               prompt + completion tokens (default: the model's max_position_embeddings)
  --model DIR, --precision, --device, --cuda-device, --cache-dir, --ffmpeg-path as for "score"`;

const LIMIT_FLAGS = {
  'max-tokens': 'maxTokens',
  'max-frames': 'maxFrames',
  'max-pixels': 'maxPixels',
  'max-fps': 'maxFps',
  'max-queue': 'maxQueue',
  'max-model-len': 'maxModelLen',
} as const satisfies Record<string, keyof ServeLimits>;

/** A number flag, checked against its range; the message names the flag, the value and the range. */
function numberFlag(flag: string, raw: string, range: (typeof SERVE_LIMIT_RANGES)[keyof ServeLimits], scale = 1): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const scaled = { ...range, min: range.min / scale, max: range.max / scale, integer: range.integer && scale === 1 };
  const problem = rangeProblem(`--${flag}`, value, scaled);
  if (problem) throw new UsageError(problem.replace(/, got .*$/, `, got "${raw}"`));
  return value * scale;
}

function limitsFrom(values: Record<string, unknown>): Partial<ServeLimits> {
  const limits: Partial<ServeLimits> = {};
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const raw = values[flag];
    if (typeof raw === 'string') limits[key] = numberFlag(flag, raw, SERVE_LIMIT_RANGES[key]);
  }
  if (typeof values['max-body-mb'] === 'string') limits.maxBodyBytes = Math.floor(numberFlag('max-body-mb', values['max-body-mb'], SERVE_LIMIT_RANGES.maxBodyBytes, MIB));
  return limits;
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...ENGINE_FLAG_SPECS,
      ...WORKER_FLAG_SPECS,
      port: { type: 'string' },
      host: { type: 'string' },
      'served-model-name': { type: 'string' },
      'allowed-local-media-path': { type: 'string' },
      'api-key': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true },
      ...Object.fromEntries([...Object.keys(LIMIT_FLAGS), 'max-body-mb'].map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const port = numberFlag('port', values.port ?? '8000', { min: 0, max: 65535, integer: true });
  const limits = limitsFrom(values);
  const apiKey = (values['api-key'] as string | undefined) ?? (io.env.COSMOS_CRITIC_SERVE_KEY || undefined);
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key must not be empty');
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  for (const origin of (values['allowed-origin'] as string[] | undefined) ?? []) {
    if (origin !== '*' && !isOrigin(origin)) throw new UsageError(`--allowed-origin ${origin}: not a web origin; give scheme, host and port only, such as https://tools.example.com`);
  }
  for (const name of (values['allowed-host'] as string[] | undefined) ?? []) {
    if (name !== '*' && !/^[A-Za-z0-9._-]+$/.test(name) && !isIPv6(name.replace(/^\[(.*)\]$/, '$1'))) {
      throw new UsageError(`--allowed-host ${name}: not a host name (without port), such as gpu-box.example.com`);
    }
  }
  const mediaPath = values['allowed-local-media-path'] as string | undefined;
  if (mediaPath !== undefined) {
    try {
      allowedMediaFolder(mediaPath);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const workers = await workerPoolFrom(values, io);
  const engine: LocalEngine | undefined = workers ? undefined : await engineFrom(values, io);
  const modelDir = engine?.model.folder.dir ?? workers!.modelDir;
  const modelId = engine?.model.config.id ?? workers!.modelId;
  const device = engine?.model.device ?? workers!.devices.join(', ');
  const name = (values['served-model-name'] as string | undefined) ?? modelDir.split(/[\\/]/).pop()!;
  let server;
  try {
    server = createOpenAiServer({
      engine,
      workers,
      modelNames: [name, modelId].filter((n, i, all) => all.indexOf(n) === i),
      allowedMediaPath: mediaPath,
      limits,
      access: { bindHost: host, apiKey, allowedHosts: values['allowed-host'] as string[] | undefined, allowedOrigins: values['allowed-origin'] as string[] | undefined },
      log: (line) => io.log(line),
    });
  } catch (err) {
    await workers?.close();
    throw new UsageError((err as Error).message);
  }
  server.listen(port, host);
  await once(server, 'listening').catch(async (err: unknown) => {
    await workers?.close();
    throw err;
  });
  const address = server.address() as AddressInfo;
  io.stdout(`serving "${name}" on ${device} at http://${address.address}:${address.port}/v1${apiKey ? ' (API key required)' : ''}\n`);
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  server.close();
  await workers?.close();
  return 0;
}
