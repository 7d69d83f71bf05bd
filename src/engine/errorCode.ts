import type { ErrorCode } from '../shared/errorCodes';
import { PromptFileError } from '../promptfile/promptFile';
import { PromptImportError } from '../promptfile/importPrompt';
import { FfmpegFailedError } from './media/ffmpegCommand';
import { OutputWriteError } from './store/atomicWrite';
import { FfmpegNotFoundError } from './media/ffmpegTools';
import { ProxyCancelledError, ProxyFailedError } from './media/proxyVideo';
import { TimestampOverlayError } from './media/timestampBand';
import { VideoInputError } from './media/videoInputError';
import { ExecutionProviderError } from './model/executionProvider';
import { ModelFolderError } from './model/modelFolder';
import { RequestShapeError } from './profiles/requestShape';
import { ProfileError } from './profiles/resolveProfile';
import { NoEndpointError } from './remote/endpointPool';
import { EndpointError } from './remote/openaiClient';
import { RemoteAnswerError } from './remote/remoteEvaluate';
import { ServerInfoError } from './remote/serverInfo';

/** The one place the engine's error classes become the codes that cross the server boundary. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof FfmpegNotFoundError) return 'ffmpeg-missing';
  // The fix is the same as for a missing ffmpeg: point cosmosCritic.ffmpegPath at a build with the drawtext filter.
  if (error instanceof TimestampOverlayError) return 'ffmpeg-missing';
  if (error instanceof VideoInputError || error instanceof FfmpegFailedError || error instanceof ProxyFailedError) return 'video-unreadable';
  if (error instanceof ModelFolderError || error instanceof ExecutionProviderError) return 'model-missing';
  if (error instanceof ProfileError || error instanceof RequestShapeError) return 'model-mismatch';
  if (error instanceof PromptFileError || error instanceof PromptImportError) return 'prompt-invalid';
  // No HTTP status: the server was never heard from (refused connection, DNS, time-out).
  if (error instanceof EndpointError) return error.status === undefined ? 'backend-unreachable' : 'backend-refused';
  if (error instanceof NoEndpointError || error instanceof ServerInfoError) return 'backend-unreachable';
  if (error instanceof RemoteAnswerError) return 'backend-refused';
  if (error instanceof OutputWriteError) return 'output-unwritable';
  if (error instanceof ProxyCancelledError || (error instanceof Error && error.name === 'AbortError')) return 'cancelled';
  return 'internal';
}
