// No `vscode` import: the client's error handling is plain code, tested without a workbench.
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import { isErrorCode, type CodedError, type ErrorCode } from '../shared/errorCodes';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

/** The code of a request that failed as a whole: the one the server put in the error's data, else from the LSP code. */
export function requestErrorCode(error: unknown): ErrorCode {
  if (!(error instanceof ResponseError)) return 'internal';
  const data = error.data as { code?: unknown } | undefined;
  if (isErrorCode(data?.code)) return data.code;
  if (error.code === LSPErrorCodes.RequestCancelled) return 'cancelled';
  if (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.ConnectionInactive) return 'server-stopped';
  return 'internal';
}

/** A request that failed as a whole, with its code and one line; `doing` is what was under way ("probing ball.mp4"). */
export function codedRequestFailure(error: unknown, doing: string): CodedError {
  const code = requestErrorCode(error);
  if (code === 'server-stopped') return { code, message: `The Cosmos Critic server stopped while ${doing}. Run the command again.` };
  return { code, message: errorMessage(error) };
}

/** One line for a request that failed as a whole; `doing` is what was under way ("probing ball.mp4"). */
export function requestFailure(error: unknown, doing: string): string {
  return codedRequestFailure(error, doing).message;
}

/** The setting that fixes a failure of this kind, offered as a button beside the error; none when no setting does. */
export function settingFix(code: ErrorCode): { label: string; setting: string } | undefined {
  switch (code) {
    case 'ffmpeg-missing':
      return { label: 'Set ffmpeg Path', setting: 'cosmosCritic.ffmpegPath' };
    case 'model-missing':
      return { label: 'Set Model Folder', setting: 'cosmosCritic.modelPath' };
    case 'output-unwritable':
      return { label: 'Set Results Folder', setting: 'cosmosCritic.resultsDir' };
    default:
      return undefined;
  }
}
