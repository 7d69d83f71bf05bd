// No `vscode` import: how one job runs over the connection is plain code, tested against the real server.
import { randomUUID } from 'node:crypto';
import type {
  CancellationToken,
  Disposable,
  RequestType,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressParams,
  WorkDoneProgressReport,
} from 'vscode-languageserver-protocol';
import type { CodedError } from '../shared/errorCodes';
import type { TextDeltaParams } from '../shared/requests';
import { codedRequestFailure, isCancellation } from './requestErrors';

/** What a job reports while it runs, and how it is cancelled. */
export interface JobCallbacks {
  /** Cancels the request over LSP. */
  token: CancellationToken;
  /** What was under way, for the message of a failure ("critiquing ball.mp4"). */
  doing: string;
  /** Each work-done begin and report of the server: its message ('' when it gave none) and percentage. */
  onStage?(message: string, percentage: number | undefined): void;
  /** Streamed critique text; given, the request names the job so that the server streams to it. */
  onText?(trial: number, delta: string): void;
}

/** How a job ended: the server's answer, cancelled, or failed as a whole (server stopped, bad request, …). */
export type JobResult<R> = { kind: 'done'; value: R } | { kind: 'cancelled' } | { kind: 'failed'; error: CodedError };

export interface RunningJob<R> {
  /** The job id the server's streamed text carries. */
  id: string;
  result: Promise<JobResult<R>>;
}

/** The parts of a connection to the critic server that a job uses. */
export interface JobConnection {
  /** Follows the work-done progress the server reports under `token`, on the server the request that follows goes to. */
  onWorkDoneProgress(token: string, handler: (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void): Promise<Disposable> | Disposable;
  /** Streamed text of every job. */
  onTextDelta(listener: (params: TextDeltaParams) => void): Disposable;
  request<P, R>(type: RequestType<P, R, void>, params: P, token: CancellationToken): Promise<R>;
}

export type JobParams<P> = Omit<P, 'workDoneToken' | 'jobId'>;

/**
 * Runs one job: allocates its id and work-done token, follows its stages and streamed text until it ends, forwards
 * cancellation, and turns a request that failed as a whole into a coded failure. It never throws.
 */
export function runJob<P extends WorkDoneProgressParams & { jobId?: string }, R>(
  connection: JobConnection,
  type: RequestType<P, R, void>,
  params: JobParams<P>,
  callbacks: JobCallbacks,
): RunningJob<R> {
  const id = randomUUID();
  return { id, result: run(connection, id, type, params, callbacks) };
}

async function run<P extends WorkDoneProgressParams & { jobId?: string }, R>(
  connection: JobConnection,
  id: string,
  type: RequestType<P, R, void>,
  params: JobParams<P>,
  { token, doing, onStage, onText }: JobCallbacks,
): Promise<JobResult<R>> {
  const workDoneToken = `job-${id}`;
  const listeners: Disposable[] = [];
  try {
    if (onText) {
      listeners.push(
        connection.onTextDelta((delta) => {
          if (delta.jobId === id) onText(delta.trial, delta.delta);
        }),
      );
    }
    listeners.push(
      await connection.onWorkDoneProgress(workDoneToken, (value) => {
        if (value.kind !== 'end') onStage?.(value.message ?? '', value.percentage);
      }),
    );
    const request = { ...params, workDoneToken, ...(onText ? { jobId: id } : {}) } as P;
    return { kind: 'done', value: await connection.request(type, request, token) };
  } catch (error) {
    if (token.isCancellationRequested || isCancellation(error)) return { kind: 'cancelled' };
    return { kind: 'failed', error: codedRequestFailure(error, doing) };
  } finally {
    for (const listener of listeners) listener.dispose();
  }
}
