import type { CancellationToken } from 'vscode-languageserver/node';
import { errorCodeOf } from '../engine/errorCode';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { probeVideo } from '../engine/media/probeVideo';
import { VideoInputError } from '../engine/media/videoInputError';
import type { CriticServerOptions, ProbeParams, ProbeResponse } from '../shared/requests';
import type { ProbeOutcome } from '../shared/video';
import { abortSignalFor } from './cancellation';
import { cancelledError } from './fileError';

/** `critic/probe`: every path gets an outcome; one bad video never fails the others. */
export function createProbeHandler(getOptions: () => CriticServerOptions) {
  return async (params: ProbeParams, token: CancellationToken): Promise<ProbeResponse> => {
    const signal = abortSignalFor(token);
    let tools: ReturnType<typeof locateFfmpeg>;
    try {
      tools = locateFfmpeg(getOptions().ffmpegPath);
    } catch (err) {
      return { results: params.paths.map((file) => ({ ok: false, error: { file, message: (err as Error).message, code: errorCodeOf(err) } })) };
    }
    const results: ProbeOutcome[] = [];
    for (const file of params.paths) {
      try {
        results.push({ ok: true, probe: await probeVideo(file, tools, params.sampling ?? {}, signal) });
      } catch (err) {
        if (signal.aborted) throw cancelledError('probe cancelled');
        const message = err instanceof VideoInputError ? err.message : `${file}: ${(err as Error).message}`;
        results.push({ ok: false, error: { file, message, code: errorCodeOf(err) } });
      }
    }
    return { results };
  };
}
