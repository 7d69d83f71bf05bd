import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SamplingPlan } from '../../shared/video';
import { modelFrame } from './modelFrame';
import type { ResizeReply, ResizeTask } from './resizeWorker';

/**
 * Worker threads that resize decoded frames while ffmpeg decodes the next ones: the exact resizes cost more than
 * decoding on large frames, and frames are independent. Idle workers do not keep the process alive.
 */
export class ResizePool {
  private readonly workers: { worker: Worker; busy: number; dead: boolean }[] = [];
  private readonly pending = new Map<number, { resolve: (data: Uint8Array) => void; reject: (err: Error) => void; worker: number }>();
  private nextId = 0;

  constructor(readonly size: number, file: string) {
    for (let i = 0; i < size; i++) {
      // From the sources (tests, benchmarks) the worker is TypeScript: load it through tsx's require hook.
      const worker = file.endsWith('.ts')
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true })
        : new Worker(file);
      worker.unref();
      worker.on('message', (reply: ResizeReply) => this.settle(reply));
      worker.on('error', (err) => this.failWorker(i, err));
      worker.on('exit', (code) => this.failWorker(i, new Error(`the frame resize worker stopped (exit ${code})`)));
      this.workers.push({ worker, busy: 0, dead: false });
    }
  }

  /** Whether any worker can still take work; when none can, callers resize on their own thread. */
  get alive(): boolean {
    return this.workers.some((w) => !w.dead);
  }

  /** The model frame for one full-size frame; `full` is handed over to the worker (do not use it afterwards). */
  run(full: Uint8Array, plan: SamplingPlan, band?: Uint8Array): Promise<Uint8Array> {
    const live = this.workers.map((w, i) => ({ w, i })).filter(({ w }) => !w.dead);
    if (live.length === 0) return Promise.resolve(modelFrame(full, plan, band));
    const index = live.reduce((best, c) => (c.w.busy < best.w.busy ? c : best)).i;
    const slot = this.workers[index]!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: index });
      slot.busy++;
      if (slot.busy === 1) slot.worker.ref();
      slot.worker.postMessage({ id, full, plan, band } satisfies ResizeTask, [full.buffer as ArrayBuffer]);
    });
  }

  private settle(reply: ResizeReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    const slot = this.workers[job.worker]!;
    if (--slot.busy === 0) slot.worker.unref();
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.data);
  }

  private failWorker(index: number, err: Error): void {
    this.workers[index]!.dead = true;
    for (const [id, job] of this.pending) {
      if (job.worker !== index) continue;
      this.pending.delete(id);
      job.reject(err);
    }
  }
}

function workerFile(): string | undefined {
  // Beside the bundle (dist/resizeWorker.js) or beside this source file when run from the sources.
  return [join(__dirname, 'resizeWorker.js'), join(__dirname, 'resizeWorker.ts')].find((file) => existsSync(file));
}

let shared: ResizePool | null | undefined;

export const defaultThreads = (cores: number): number => (cores < 4 ? 0 : Math.min(4, cores - 1));

/**
 * The process's pool: COSMOS_CRITIC_RESIZE_THREADS workers (0 resizes on the calling thread), by default one per
 * core beyond the first, at most 4, from 4 cores up. Below 4 cores ffmpeg's decoding holds the other core, so a
 * resize thread only adds hand-offs (measured slower on 2 cores): resizing runs inline. Null when it runs inline.
 */
export function resizePool(): ResizePool | null {
  if (shared !== undefined) return shared;
  const configured = Number(process.env.COSMOS_CRITIC_RESIZE_THREADS);
  const threads = Number.isInteger(configured) && configured >= 0 && configured <= 64 ? configured : defaultThreads(availableParallelism());
  const file = workerFile();
  shared = threads > 0 && file ? new ResizePool(threads, file) : null;
  return shared;
}
