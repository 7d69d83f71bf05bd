/** Stable `error.code` values of `cosmos-critic serve`: one per refusal and one per limit, so clients can act on them. */
export type ApiErrorCode =
  | 'invalid_request_target'
  | 'host_not_allowed'
  | 'origin_not_allowed'
  | 'invalid_api_key'
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'queue_full'
  | 'invalid_json'
  | 'invalid_value'
  | 'model_not_found'
  | 'max_tokens_limit'
  | 'frame_limit'
  | 'pixel_limit'
  | 'fps_limit'
  | 'context_length_exceeded'
  | 'invalid_media'
  | 'media_forbidden'
  | 'media_not_found'
  | 'server_error';

/** A request the server answers with an HTTP error in the OpenAI shape `{error: {message, type, code, param}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get type(): string {
    if (this.status === 401) return 'authentication_error';
    if (this.status === 403) return 'permission_error';
    if (this.status === 404) return 'not_found_error';
    if (this.status === 429) return 'rate_limit_error';
    return this.status >= 500 ? 'server_error' : 'invalid_request_error';
  }

  toJSON(): { error: { message: string; type: string; code: ApiErrorCode; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}
