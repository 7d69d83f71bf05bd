import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { errorCodeOf } from '../engine/errorCode';
import type { CodedError, ErrorCode } from '../shared/errorCodes';
import type { FileError } from '../shared/video';

/** An engine error as a request outcome's error: the message names the file, the code says what kind. */
export function fileErrorOf(file: string, err: unknown): FileError {
  const message = (err as Error)?.message ?? String(err);
  return { file, message: message.includes(file) ? message : `${file}: ${message}`, code: errorCodeOf(err) };
}

/** A request cancelled by the client: LSP's RequestCancelled, with the code in its data like every other failure. */
export function cancelledError(message: string): ResponseError<CodedError> {
  return new ResponseError<CodedError>(LSPErrorCodes.RequestCancelled, message, { code: 'cancelled' satisfies ErrorCode, message });
}
