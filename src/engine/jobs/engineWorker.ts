// One engine worker process (forked by WorkerPool): loads the local model on its device and runs the jobs it is sent,
// one at a time, answering over the IPC channel.
import { evaluateVideo, localEngine, type LocalEngine } from '../evaluate/evaluateVideo';
import { locateFfmpeg } from '../media/ffmpegTools';
import { LocalModel } from '../model/localModel';
import { CacheStore } from '../store/cacheStore';
import type { ParentMessage, WorkerMessage } from './workerProtocol';

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

function runJob(message: Extract<ParentMessage, { type: 'job' }>): void {
  const abort = new AbortController();
  running.set(message.id, abort);
  queue = queue.then(async () => {
    try {
      if (!engine) throw new Error('the engine worker has no model loaded');
      abort.signal.throwIfAborted();
      send({ type: 'started', id: message.id });
      const result = await evaluateVideo(engine, message.video, message.prompt, {
        ...message.options,
        signal: abort.signal,
        onProgress: (event) => send({ type: 'progress', id: message.id, event }),
        onText: (trial, delta) => send({ type: 'text', id: message.id, trial, delta }),
      });
      send({ type: 'result', id: message.id, result });
    } catch (err) {
      send({ type: 'error', id: message.id, name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) });
    } finally {
      running.delete(message.id);
    }
  });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'init') void init(message);
  else if (message.type === 'job') runJob(message);
  else if (message.type === 'cancel') running.get(message.id)?.abort(new Error('cancelled'));
});
// The parent going away ends the worker: it never outlives the run that started it.
process.on('disconnect', () => process.exit(0));
