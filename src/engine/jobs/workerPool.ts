import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import type { EvaluateOptions } from '../evaluate/evaluateTypes';
import type { DeviceSetting } from '../model/executionProvider';
import type { LoadOptions } from '../model/localModel';
import type { Precision } from '../model/modelFolder';
import { ApiError } from '../serve/apiError';
import type { CompletionContext, CompletionOutput, CompletionSink } from '../serve/completionRun';
import type { CompletionRequest } from '../serve/requestFields';
import type { JobRequest, ParentMessage, WorkerMessage } from './workerProtocol';

/** Where one worker runs: the CPU, or one CUDA device. */
export interface WorkerSlot {
  device: DeviceSetting;
  cudaDeviceId?: number;
}

export interface WorkerPoolOptions {
  modelDir: string;
  load: Omit<LoadOptions, 'device' | 'cudaDeviceId'>;
  slots: WorkerSlot[];
  cacheDir: string;
  ffmpegPath?: string;
  /** A worker began a job (its process id, its attempt; `video`: the job's video, or a completion's video URL): for
   *  progress displays, and to stop a worker mid-job. */
  onJobStarted?: (info: { pid: number; worker: number; video: string; attempt: number }) => void;
  log?: (line: string) => void;
}

/** A job whose worker process died on it twice: recorded as failed, the run goes on. */
export class WorkerDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerDiedError';
  }
}

/** A job runs again once after its worker dies; a second death fails it. */
export const MAX_ATTEMPTS = 2;

/** What a job reports while it runs, besides its outcome. */
type JobEvent = Extract<WorkerMessage, { type: 'progress' | 'text' | 'generating' }>;

interface PendingJob {
  id: number;
  /** The job's video (or a completion's video URL), for logs, errors and `onJobStarted`. */
  video: string;
  request: JobRequest;
  signal?: AbortSignal;
  attempts: number;
  worker?: Worker;
  /** Set once the job's output has begun to reach its client (a streamed completion): it cannot run again. */
  committed?: boolean;
  onEvent: (event: JobEvent, job: PendingJob) => void;
  resolve: (outcome: unknown) => void;
  reject: (err: Error) => void;
}

interface Worker {
  index: number;
  slot: WorkerSlot;
  label: string;
  child: ChildProcess;
  ready: boolean;
  /** Set once it failed to start: it takes no more jobs. */
  broken?: string;
  jobs: Set<PendingJob>;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const bundled = join(__dirname, 'engineWorker.js');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  // From the sources (tests, benchmarks) the worker is TypeScript, loaded through tsx.
  return { file: join(__dirname, 'engineWorker.ts'), execArgv: ['--import', 'tsx'] };
}

const slotLabel = (slot: WorkerSlot, index: number) => (slot.device === 'cuda' ? `cuda:${slot.cudaDeviceId ?? 0}` : `${slot.device}#${index}`);

/**
 * One engine worker process per slot (per GPU, or N on the CPU). Each job goes to the worker with the fewest jobs in
 * hand; a worker that dies is started again and its jobs re-run once, then fail with WorkerDiedError.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting: PendingJob[] = [];
  private nextId = 1;
  private closing = false;
  modelId = '';
  precision: Precision = 'fp32';

  private constructor(private readonly options: WorkerPoolOptions) {}

  /** Starts every worker and waits until each has its model loaded; one that cannot load it fails the start. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (options.slots.length === 0) throw new RangeError('a worker pool needs at least one worker');
    const pool = new WorkerPool(options);
    try {
      await Promise.all(options.slots.map((slot, index) => pool.spawn(slot, index)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** What each worker really runs on (as the model reported it), in slot order. */
  get devices(): string[] {
    return this.workers.map((w) => w.label);
  }

  /** The model folder every worker loads. */
  get modelDir(): string {
    return this.options.modelDir;
  }

  /** Process ids of the live workers, in slot order. */
  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** How many workers the pool runs. */
  get size(): number {
    return this.options.slots.length;
  }

  evaluate(video: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
    const { trials, seed, maxNewTokens, force } = options;
    // A job run again (its worker died) streams its text from the start once more; generation is deterministic for a
    // seed, so only what goes beyond the text already passed on is passed on, and a listener sees each trial once.
    const passedOn: number[] = [];
    let attemptSeen: number[] = [];
    let attempt = 0;
    return this.submit<CriticResult>(video, { type: 'job', video, prompt, options: { trials, seed, maxNewTokens, force } }, options.signal, (event, job) => {
      if (job.attempts !== attempt) {
        attempt = job.attempts;
        attemptSeen = [];
      }
      if (event.type === 'progress') options.onProgress?.(event.event);
      else if (event.type === 'text') {
        const from = attemptSeen[event.trial] ?? 0;
        const to = from + event.delta.length;
        attemptSeen[event.trial] = to;
        const already = passedOn[event.trial] ?? 0;
        if (to <= already) return;
        passedOn[event.trial] = to;
        options.onText?.(event.trial, event.delta.slice(Math.max(0, already - from)));
      }
    });
  }

  /** One chat completion of `cosmos-critic serve`, checked by the server, on the least-loaded worker. */
  complete(request: CompletionRequest, textTokens: number, context: CompletionContext, sink: CompletionSink, signal?: AbortSignal): Promise<CompletionOutput> {
    return this.submit<CompletionOutput>(request.videoUrl.slice(0, 200), { type: 'complete', request, textTokens, context }, signal, (event, job) => {
      if (event.type === 'generating') {
        // Once a stream has begun, a second try would send its start again.
        if (request.stream) job.committed = true;
        sink.onStart();
      } else if (event.type === 'text') sink.onText(event.delta);
    });
  }

  private submit<T>(video: string, request: JobRequest, signal: AbortSignal | undefined, onEvent: PendingJob['onEvent']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closing) return reject(new Error('the worker pool is closed'));
      signal?.throwIfAborted();
      const job: PendingJob = { id: this.nextId++, video, request, signal, attempts: 0, onEvent, resolve: resolve as (outcome: unknown) => void, reject };
      signal?.addEventListener('abort', () => this.cancel(job), { once: true });
      this.waiting.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const exits = this.workers.map((w) => (w.child.exitCode !== null || w.child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => w.child.once('exit', () => r()))));
    for (const w of this.workers) if (w.child.connected) w.child.disconnect();
    for (const job of [...this.waiting, ...this.workers.flatMap((w) => [...w.jobs])]) job.reject(new Error('the worker pool was closed'));
    this.waiting.length = 0;
    await Promise.all(exits);
  }

  private spawn(slot: WorkerSlot, index: number): Promise<void> {
    const { file, execArgv } = workerEntry();
    const child = fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const worker: Worker = { index, slot, label: slotLabel(slot, index), child, ready: false, jobs: this.workers[index]?.jobs ?? new Set() };
    this.workers[index] = worker;
    const { modelDir, load, cacheDir, ffmpegPath } = this.options;
    child.send({ type: 'init', modelDir, load: { ...load, device: slot.device, cudaDeviceId: slot.cudaDeviceId }, cacheDir, ffmpegPath } satisfies ParentMessage);
    return new Promise<void>((resolveReady, rejectReady) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          worker.ready = true;
          if (slot.device !== 'cpu') worker.label = message.device;
          this.modelId = message.modelId;
          this.precision = message.precision;
          resolveReady();
          this.dispatch();
        } else if (message.type === 'init-error') {
          worker.broken = message.message;
          rejectReady(new Error(message.message));
          child.disconnect();
        } else this.onJobMessage(worker, message);
      });
      child.on('exit', (code, signal) => {
        if (!worker.ready && !worker.broken) {
          worker.broken = `the engine worker on ${worker.label} exited (${signal ?? `code ${code}`}) while loading the model`;
          rejectReady(new Error(worker.broken));
        }
        this.onExit(worker, signal ?? `exit code ${code}`);
      });
    });
  }

  private onJobMessage(worker: Worker, message: Exclude<WorkerMessage, { type: 'ready' } | { type: 'init-error' }>): void {
    const job = [...worker.jobs].find((j) => j.id === message.id);
    if (!job) return;
    if (message.type === 'started') {
      this.options.onJobStarted?.({ pid: worker.child.pid ?? -1, worker: worker.index, video: job.video, attempt: job.attempts });
    } else if (message.type === 'progress' || message.type === 'text' || message.type === 'generating') job.onEvent(message, job);
    else {
      worker.jobs.delete(job);
      if (message.type === 'result') job.resolve(message.result);
      else if (message.type === 'completion') job.resolve(message.output);
      else if (message.api) job.reject(new ApiError(message.api.status, message.api.code, message.message, message.api.param));
      else {
        const err = new Error(message.message);
        err.name = message.name;
        job.reject(err);
      }
      this.dispatch();
    }
  }

  private onExit(worker: Worker, how: string): void {
    worker.ready = false;
    const lost = [...worker.jobs];
    worker.jobs.clear();
    if (this.closing) return;
    for (const job of lost) {
      if (job.signal?.aborted) continue;
      if (job.attempts >= MAX_ATTEMPTS) {
        job.reject(new WorkerDiedError(`the engine worker on ${worker.label} stopped (${how}) while running this video, on both tries`));
      } else if (job.committed) {
        job.reject(new WorkerDiedError(`the engine worker on ${worker.label} stopped (${how}) after the answer had begun to stream`));
      } else {
        this.options.log?.(`engine worker on ${worker.label} stopped (${how}); ${job.video} runs again`);
        this.waiting.unshift(job);
      }
    }
    if (!worker.broken) {
      this.spawn(worker.slot, worker.index).catch((err: Error) => this.options.log?.(`engine worker on ${worker.label} cannot restart: ${err.message}`));
    }
    this.dispatch();
  }

  private cancel(job: PendingJob): void {
    const at = this.waiting.indexOf(job);
    if (at >= 0) this.waiting.splice(at, 1);
    else if (job.worker?.jobs.has(job)) job.worker.child.send({ type: 'cancel', id: job.id } satisfies ParentMessage);
    job.reject(job.signal?.reason instanceof Error ? job.signal.reason : new DOMException('cancelled', 'AbortError'));
  }

  /** Hands waiting jobs to the least-loaded ready workers; with none left alive, the waiting jobs fail. */
  private dispatch(): void {
    while (this.waiting.length) {
      const ready = this.workers.filter((w) => w.ready && w.child.connected);
      if (ready.length === 0) {
        if (this.workers.length === this.options.slots.length && this.workers.every((w) => w.broken)) {
          for (const job of this.waiting.splice(0)) job.reject(new WorkerDiedError(`no engine worker could start: ${this.workers[0]!.broken}`));
        }
        return;
      }
      const worker = ready.reduce((best, w) => (w.jobs.size < best.jobs.size ? w : best));
      const job = this.waiting.shift()!;
      job.attempts++;
      job.worker = worker;
      worker.jobs.add(job);
      worker.child.send({ ...job.request, id: job.id } satisfies ParentMessage);
    }
  }
}
