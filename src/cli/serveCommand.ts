import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createOpenAiServer } from '../engine/serve/openaiServer';
import type { CliIo } from './cliIo';
import { ENGINE_FLAG_SPECS, engineFrom } from './engineFlags';
import { UsageError } from './usageError';

export const SERVE_HELP = `cosmos-critic serve --model DIR [--port N] [--host H] [options]

Serves the local model as an OpenAI-compatible chat-completions API (POST /v1/chat/completions with
video input, logprobs and streaming; GET /v1/models; GET /health), so that one GPU box can serve a team
(point "cosmos-critic score --endpoint http://HOST:PORT/v1" or the extension's endpoints at it).

Video input: a video_url part holding data:video/jpeg;base64,<frame>,<frame>,… (the sampled frames, as
vLLM accepts them), a data: URL of a video file, or file:///path inside --allowed-local-media-path.
Sampling options go in mm_processor_kwargs (fps, nframes, max_pixels, total_pixels, …; sampling: "reward"
for the reward model's frame rule). One request runs at a time; others wait their turn.

Options:
  --port N                        port (default 8000; 0 picks a free one)
  --host H                        address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --served-model-name NAME        the name clients use (default: the model folder's name)
  --allowed-local-media-path DIR  let clients pass file:// URLs of videos inside DIR
  --model DIR, --precision, --device, --cuda-device, --cache-dir, --ffmpeg-path as for "score"`;

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...ENGINE_FLAG_SPECS,
      port: { type: 'string' },
      host: { type: 'string' },
      'served-model-name': { type: 'string' },
      'allowed-local-media-path': { type: 'string' },
    },
  });
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
  const engine = await engineFrom(values, io);
  const name = values['served-model-name'] ?? engine.model.folder.dir.split(/[\\/]/).pop()!;
  const server = createOpenAiServer({
    engine,
    modelNames: [name, engine.model.config.id].filter((n, i, all) => all.indexOf(n) === i),
    allowedMediaPath: values['allowed-local-media-path'],
    log: (line) => io.log(line),
  });
  server.listen(port, values.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  io.stdout(`serving "${name}" on ${engine.model.device} at http://${address.address}:${address.port}/v1\n`);
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  server.close();
  return 0;
}
