import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

/** One line for a request that failed as a whole; `doing` is what was under way ("probing ball.mp4"). */
export function requestFailure(error: unknown, doing: string): string {
  if (
    error instanceof ResponseError &&
    (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.ConnectionInactive)
  ) {
    return `The Cosmos Critic server stopped while ${doing}. Run the command again.`;
  }
  return errorMessage(error);
}

/** Whether a job failed because of the model folder (not the video): the fix is cosmosCritic.modelPath. */
export function isModelProblem(message: string): boolean {
  return /No model is configured|cosmosCritic\.modelPath|model folder|convert_cosmos_reason|\.onnx\b|execution provider/i.test(message);
}

/** Whether a job failed because ffmpeg or ffprobe is missing: the fix is cosmosCritic.ffmpegPath. */
export function isFfmpegProblem(message: string): boolean {
  return /cosmosCritic\.ffmpegPath|(ffmpeg|ffprobe)( and ffprobe)? (was|were) not found|ffmpeg path/i.test(message);
}
