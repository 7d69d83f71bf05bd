import type { ServerKind } from '../profiles/requestShape';

const authHeaders = (apiKey: string | undefined): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

export class ServerInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerInfoError';
  }
}

/** The ids a server lists in `/v1/models`, first served first. */
export async function listServedModels(baseUrl: string, apiKey?: string, timeoutMs = 15_000): Promise<string[]> {
  const base = baseUrl.replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/models`, { headers: authHeaders(apiKey), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new ServerInfoError(`${base} could not be reached (${cause?.code ?? (err as Error).message})`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: Array<{ id?: unknown }> };
  const ids = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string' && id.length > 0);
  if (!response.ok || ids.length === 0) throw new ServerInfoError(`${base}/models did not list a model (HTTP ${response.status})`);
  return ids;
}

/**
 * vLLM or a NIM: a NIM answers `GET /v1/metadata` (its model and runtime); vLLM has no such route (404). Anything that
 * cannot be read counts as vLLM, whose request shape `cosmos-critic serve` speaks too.
 */
export async function detectServerKind(baseUrl: string, apiKey?: string, timeoutMs = 15_000): Promise<ServerKind> {
  const base = baseUrl.replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}/metadata`, { headers: authHeaders(apiKey), signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return 'vllm';
    const body = (await response.json()) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? 'nim' : 'vllm';
  } catch {
    return 'vllm';
  }
}
