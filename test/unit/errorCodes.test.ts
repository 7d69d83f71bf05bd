// Typed errors: the engine's error classes map to codes in one function (real errors from the real code where it
// runs here), and the client picks its actions from the code, never from the text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import { errorCodeOf } from '../../src/engine/errorCode';
import { FfmpegFailedError } from '../../src/engine/media/ffmpegCommand';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { TimestampOverlayError } from '../../src/engine/media/timestampBand';
import { ExecutionProviderError } from '../../src/engine/model/executionProvider';
import { openModelFolder } from '../../src/engine/model/modelFolder';
import { RequestShapeError } from '../../src/engine/profiles/requestShape';
import { parseProfileChoice } from '../../src/engine/profiles/resolveProfile';
import { NoEndpointError } from '../../src/engine/remote/endpointPool';
import { EndpointError } from '../../src/engine/remote/openaiClient';
import { RemoteAnswerError } from '../../src/engine/remote/remoteEvaluate';
import { ServerInfoError } from '../../src/engine/remote/serverInfo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { PromptImportError } from '../../src/promptfile/importPrompt';
import { codedRequestFailure, requestErrorCode, settingFix } from '../../src/extension/requestErrors';
import { cancelledError, fileErrorOf } from '../../src/server/fileError';
import { ERROR_CODES, isErrorCode } from '../../src/shared/errorCodes';

const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-error-codes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

async function rejected(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

describe('errorCodeOf: engine errors → codes', () => {
  it('ffmpeg missing (a folder without it), or lacking the overlay filter', () => {
    assert.equal(errorCodeOf(thrown(() => locateFfmpeg(join(dir, 'no-ffmpeg-here')))), 'ffmpeg-missing');
    assert.equal(errorCodeOf(new TimestampOverlayError('no drawtext filter')), 'ffmpeg-missing');
  });

  it('video unreadable: random bytes, a missing file, ffmpeg failing on it', async () => {
    const tools = locateFfmpeg();
    const junk = join(dir, 'junk.mp4');
    writeFileSync(junk, Buffer.from('definitely not a video, just some bytes'.repeat(20)));
    assert.equal(errorCodeOf(await rejected(() => probeVideo(junk, tools, {}))), 'video-unreadable');
    assert.equal(errorCodeOf(await rejected(() => probeVideo(join(dir, 'missing.mp4'), tools, {}))), 'video-unreadable');
    assert.equal(errorCodeOf(new FfmpegFailedError('Invalid data found when processing input')), 'video-unreadable');
  });

  it('model missing or mismatched', () => {
    assert.equal(errorCodeOf(thrown(() => openModelFolder(join(dir, 'no-model')))), 'model-missing');
    assert.equal(errorCodeOf(new ExecutionProviderError('CUDA provider did not load')), 'model-missing');
    assert.equal(errorCodeOf(thrown(() => parseProfileChoice('reason9', 'setting'))), 'model-mismatch');
    assert.equal(errorCodeOf(new RequestShapeError('file input needs a Cosmos 3 profile')), 'model-mismatch');
  });

  it('prompt invalid: a missing prompt file, a bad import', () => {
    assert.equal(errorCodeOf(thrown(() => loadPrompt(join(dir, 'nothing.prompt.md')))), 'prompt-invalid');
    assert.equal(errorCodeOf(new PromptImportError('x.json', 'not a prompt')), 'prompt-invalid');
  });

  it('backend unreachable (never heard from) or refused (answered with an HTTP error, or without what is needed)', () => {
    assert.equal(errorCodeOf(new EndpointError('http://127.0.0.1:9/v1', 'could not be reached (ECONNREFUSED)', true)), 'backend-unreachable');
    assert.equal(errorCodeOf(new NoEndpointError('every endpoint is down')), 'backend-unreachable');
    assert.equal(errorCodeOf(new ServerInfoError('no /v1/models')), 'backend-unreachable');
    assert.equal(errorCodeOf(new EndpointError('http://h/v1', 'rejected the API key (HTTP 401)', false, 401)), 'backend-refused');
    assert.equal(errorCodeOf(new EndpointError('http://h/v1', 'failed (HTTP 500)', true, 500)), 'backend-refused');
    assert.equal(errorCodeOf(new RemoteAnswerError('no logprobs')), 'backend-refused');
  });

  it('cancelled, and anything else is internal', () => {
    assert.equal(errorCodeOf(new DOMException('stopped', 'AbortError')), 'cancelled');
    assert.equal(errorCodeOf(new TypeError('x is undefined')), 'internal');
    assert.equal(errorCodeOf('a string'), 'internal');
  });

  it('every code it gives is in the one list', () => {
    for (const code of ['ffmpeg-missing', 'video-unreadable', 'model-missing', 'model-mismatch', 'prompt-invalid', 'backend-unreachable', 'backend-refused', 'cancelled', 'internal']) {
      assert.ok(isErrorCode(code), code);
    }
    assert.ok(!isErrorCode('ffmpeg'));
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  });
});

describe('the server boundary', () => {
  it('an outcome error names the file once and carries the code', () => {
    const err = new EndpointError('http://h/v1', 'http://h/v1 could not be reached (ECONNREFUSED)', true);
    assert.deepEqual(fileErrorOf('/v/a.mp4', err), { file: '/v/a.mp4', message: '/v/a.mp4: http://h/v1 could not be reached (ECONNREFUSED)', code: 'backend-unreachable' });
  });

  it('the client reads the code of a thrown request error from its data, else from the LSP code', () => {
    assert.equal(requestErrorCode(cancelledError('probe cancelled')), 'cancelled');
    assert.equal(requestErrorCode(new ResponseError(ErrorCodes.InternalError, 'boom', { code: 'video-unreadable' })), 'video-unreadable');
    assert.equal(requestErrorCode(new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled')), 'cancelled');
    assert.equal(requestErrorCode(new ResponseError(ErrorCodes.InternalError, 'boom', { code: 'nonsense' })), 'internal');
    assert.equal(requestErrorCode(new Error('plain')), 'internal');
    const stopped = codedRequestFailure(new ResponseError(ErrorCodes.PendingResponseRejected, 'Connection got disposed.'), 'probing a.mp4');
    assert.deepEqual(stopped, { code: 'server-stopped', message: 'The Cosmos Critic server stopped while probing a.mp4. Run the command again.' });
  });

  it('the client offers a setting by code: ffmpeg only for ffmpeg-missing, never for an unreadable video', () => {
    assert.deepEqual(settingFix('ffmpeg-missing'), { label: 'Set ffmpeg Path', setting: 'cosmosCritic.ffmpegPath' });
    assert.deepEqual(settingFix('model-missing'), { label: 'Set Model Folder', setting: 'cosmosCritic.modelPath' });
    assert.deepEqual(settingFix('output-unwritable'), { label: 'Set Results Folder', setting: 'cosmosCritic.resultsDir' });
    for (const code of ERROR_CODES.filter((c) => c !== 'ffmpeg-missing' && c !== 'model-missing' && c !== 'output-unwritable')) assert.equal(settingFix(code), undefined, code);
  });
});
