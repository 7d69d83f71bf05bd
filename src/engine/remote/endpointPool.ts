import { EndpointError, OpenAiClient, type EndpointOptions } from './openaiClient';

interface Member {
  client: OpenAiClient;
  inFlight: number;
  downUntil: number;
  failures: number;
}

export class NoEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoEndpointError';
  }
}

/**
 * Several endpoints serving the same model: each job goes to the least-loaded endpoint that is up; an endpoint whose
 * retries ran out is taken out for a cool-down (doubling while it keeps failing) and the job moves to another.
 */
export class EndpointPool {
  private readonly members: Member[];

  constructor(
    endpoints: EndpointOptions[],
    private readonly cooldownMs = 30_000,
  ) {
    if (endpoints.length === 0) throw new NoEndpointError('no endpoint configured: set cosmosCritic.endpoints (CLI: --endpoint URL)');
    this.members = endpoints.map((e) => ({ client: new OpenAiClient(e), inFlight: 0, downUntil: 0, failures: 0 }));
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.client.baseUrl);
  }

  /** Endpoint URLs that are out of rotation now. */
  down(now = Date.now()): string[] {
    return this.members.filter((m) => m.downUntil > now).map((m) => m.client.baseUrl);
  }

  private pick(exclude: Set<Member>): Member | undefined {
    const now = Date.now();
    const candidates = this.members.filter((m) => !exclude.has(m));
    const up = candidates.filter((m) => m.downUntil <= now);
    // When everything is down, try the one that comes back first rather than failing outright.
    const pool = up.length ? up : candidates.sort((a, b) => a.downUntil - b.downUntil).slice(0, 1);
    return pool.sort((a, b) => a.inFlight - b.inFlight)[0];
  }

  /** Runs `job` on an endpoint, moving to another when one fails with a retryable error. */
  async run<T>(job: (client: OpenAiClient) => Promise<T>, signal?: AbortSignal): Promise<{ value: T; endpoint: string }> {
    const tried = new Set<Member>();
    let last: unknown;
    for (let member = this.pick(tried); member; member = this.pick(tried)) {
      signal?.throwIfAborted();
      tried.add(member);
      member.inFlight++;
      try {
        const value = await job(member.client);
        member.failures = 0;
        member.downUntil = 0;
        return { value, endpoint: member.client.baseUrl };
      } catch (err) {
        if (signal?.aborted || !(err instanceof EndpointError) || !err.retryable) throw err;
        member.failures++;
        member.downUntil = Date.now() + this.cooldownMs * 2 ** Math.min(member.failures - 1, 5);
        last = err;
      } finally {
        member.inFlight--;
      }
    }
    const reason = last instanceof Error ? last.message : String(last);
    throw new NoEndpointError(this.members.length > 1 ? `all ${this.members.length} endpoints failed; last: ${reason}` : reason);
  }
}
