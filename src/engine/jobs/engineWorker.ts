// One engine worker process (forked by WorkerPool): loads the local model on its device and runs the jobs it is sent,
// one at a time, answering over the IPC channel.
import { evaluateVideo, localEngine, type LocalEngine } from '../evaluate/evaluateVideo';
import { locateFfmpeg } from '../media/ffmpegTools';
import { LocalModel } from '../model/localModel';
import { ApiError } from '../serve/apiError';
import { runCompletion } from '../serve/completionRun';
import { CacheStore } from '../store/cacheStore';
import type { JobRequest, ParentMessage, WorkerMessage } from './workerProtocol';

let engine: LocalEngine | undefined;
let queue: Promise<unknown> = Promise.resolve();
const running = new Map<number, AbortController>();

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function init(message: Extract<ParentMessage, { type: 'init' }>): Promise<void> {
  try {
    const model = await LocalModel.load(message.modelDir, message.load);
    engine = localEngine(model, locateFfmpeg(message.ffmpegPath), new CacheStore(message.cacheDir));
    send({ type: 'ready', device: model.device, modelId: model.config.id, precision: model.folder.precision });
  } catch (err) {
    send({ type: 'init-error', message: (err as Error)?.message ?? String(err) });
  }
}

async function work(engine: LocalEngine, id: number, job: JobRequest, signal: AbortSignal): Promise<WorkerMessage> {
  if (job.type === 'complete') {
    const output = await runCompletion(engine, job.context, job.request, job.textTokens, { onStart: () => send({ type: 'generating', id }), onText: (delta) => send({ type: 'text', id, trial: 0, delta }) }, signal);
    return { type: 'completion', id, output };
  }
  const result = await evaluateVideo(engine, job.video, job.prompt, {
    ...job.options,
    signal,
    onProgress: (event) => send({ type: 'progress', id, event }),
    onText: (trial, delta) => send({ type: 'text', id, trial, delta }),
  });
  return { type: 'result', id, result };
}

function runJob(message: JobRequest & { id: number }): void {
  const abort = new AbortController();
  running.set(message.id, abort);
  queue = queue.then(async () => {
    try {
      if (!engine) throw new Error('the engine worker has no model loaded');
      abort.signal.throwIfAborted();
      send({ type: 'started', id: message.id });
      send(await work(engine, message.id, message, abort.signal));
    } catch (err) {
      const api = err instanceof ApiError ? { status: err.status, code: err.code, param: err.param } : undefined;
      send({ type: 'error', id: message.id, name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err), ...(api && { api }) });
    } finally {
      running.delete(message.id);
    }
  });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'init') void init(message);
  else if (message.type === 'cancel') running.get(message.id)?.abort(new Error('cancelled'));
  else runJob(message);
});
// The parent going away ends the worker: it never outlives the run that started it.
process.on('disconnect', () => process.exit(0));
