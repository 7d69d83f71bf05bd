import type { ServerKind } from '../profiles/requestShape';
import { endpointAddress } from './openaiClient';

/** The URL without credentials, a label safe to print, and the auth header: the key, else the URL's user:password. */
function addressOf(baseUrl: string, apiKey: string | undefined): { base: string; label: string; headers: Record<string, string> } {
  const { url, label, authorization } = endpointAddress(baseUrl);
  const auth = apiKey ? `Bearer ${apiKey}` : authorization;
  return { base: url, label, headers: auth ? { authorization: auth } : {} };
}

export class ServerInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerInfoError';
  }
}

/** The ids a server lists in `/v1/models`, first served first. */
export async function listServedModels(baseUrl: string, apiKey?: string, timeoutMs = 15_000): Promise<string[]> {
  const { base, label, headers } = addressOf(baseUrl, apiKey);
  let response: Response;
  try {
    response = await fetch(`${base}/models`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new ServerInfoError(`${label} could not be reached (${cause?.code ?? (err as Error).message})`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: Array<{ id?: unknown }> };
  const ids = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string' && id.length > 0);
  if (!response.ok || ids.length === 0) throw new ServerInfoError(`${label}/models did not list a model (HTTP ${response.status})`);
  return ids;
}

/**
 * vLLM or a NIM: a NIM answers `GET /v1/metadata` (its model and runtime); vLLM has no such route (404). Anything that
 * cannot be read counts as vLLM, whose request shape `cosmos-critic serve` speaks too.
 */
export async function detectServerKind(baseUrl: string, apiKey?: string, timeoutMs = 15_000): Promise<ServerKind> {
  const { base, headers } = addressOf(baseUrl, apiKey);
  try {
    const response = await fetch(`${base}/metadata`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return 'vllm';
    const body = (await response.json()) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? 'nim' : 'vllm';
  } catch {
    return 'vllm';
  }
}
