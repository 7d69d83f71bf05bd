/**
 * `running` jobs at a time (one per engine), with a bounded wait list. A request takes a place when it arrives (before its body is read, so
 * the bodies held in memory are bounded too) and gives it back when it is answered or its client goes away.
 */
export class JobQueue {
  private held = 0;
  private tail: Promise<unknown> = Promise.resolve();

  /** `maxQueue` requests may wait while `running` run. */
  constructor(
    private readonly maxQueue: number,
    private readonly running = 1,
  ) {}

  get size(): number {
    return this.held;
  }

  /** A place in the queue, or null when it is full; `release` is idempotent. */
  admit(): { release: () => void } | null {
    if (this.held >= this.maxQueue + this.running) return null;
    this.held++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.held--;
      },
    };
  }

  /** Runs `job` after every job queued before it (for one engine in this process). */
  run<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
