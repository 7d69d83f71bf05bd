// A worker thread that turns full-size decoded frames into model frames (see frameDecoder's modelFrame).
import { parentPort } from 'node:worker_threads';
import type { SamplingPlan } from '../../shared/video';
import { modelFrame } from './modelFrame';

export interface ResizeTask {
  id: number;
  full: Uint8Array;
  plan: SamplingPlan;
  band?: Uint8Array;
}

export type ResizeReply = { id: number; data: Uint8Array } | { id: number; error: string };

parentPort?.on('message', (task: ResizeTask) => {
  try {
    const data = modelFrame(task.full, task.plan, task.band);
    parentPort!.postMessage({ id: task.id, data } satisfies ResizeReply, [data.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: task.id, error: (err as Error).message ?? String(err) } satisfies ResizeReply);
  }
});
