/** A failure the demo explains to the person running it (printed without a stack). */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** How long the demo waits for `/health` before it says the instance is not reachable. */
const HEALTH_TIMEOUT_MS = 5_000;
/** How long any other call may take (a clock move settles the whole system; it answers 503 after 30 s). */
const CALL_TIMEOUT_MS = 120_000;

const START_HINT = 'start it with `WORKFLOWS_CLOCK=manual npm start`, or set WORKFLOWS_URL to where it runs';
const TOKEN_HINT = 'the API token `npm start` printed (or the one it was started with)';

/** The error body of the API (`{ error: { code, message, details? } }`), as one sentence. */
const errorText = (body: unknown): string => {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (!error) return '';
  const details = Array.isArray(error.details)
    ? error.details
        .map((detail: { path?: unknown; message?: unknown }) => `${detail.path}: ${detail.message}`)
        .join('; ')
    : '';
  return ` ${String(error.code)}: ${String(error.message)}${details ? ` (${details})` : ''}`;
};

/** Why a connection failed, from the error `fetch` throws (its cause carries the system code). */
const connectionProblem = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  if (typeof cause?.code === 'string') return cause.code;
  return String(cause?.message ?? (error as Error).message);
};

export interface DemoClientOptions {
  /** The instance, `http://127.0.0.1:3000` by default in the demo. */
  readonly url: string;
  readonly token: string;
  /** `fetch` (tests may pass another). */
  readonly fetch?: typeof fetch;
}

/**
 * The demo's HTTP client of a running instance: JSON in and out with the bearer token, every failure turned into a
 * DemoError that says what to do (the instance is not running, the token is wrong, the API refused a request).
 */
export const createDemoClient = (options: DemoClientOptions) => {
  const base = options.url.replace(/\/+$/, '');
  const send = options.fetch ?? fetch;

  const request = async (
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<{ status: number; json: unknown }> => {
    let response: Response;
    try {
      response = await send(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DemoError(
        `cannot reach crm-workflows at ${base} (${connectionProblem(error)}): ${START_HINT}`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new DemoError(
        `${method} ${base}${path} answered ${response.status} with a body that is not JSON: is crm-workflows running there?`,
      );
    }
    if (response.status === 401) {
      throw new DemoError(
        `the instance at ${base} refused the API token (401): set WORKFLOWS_API_TOKEN to ${TOKEN_HINT}`,
      );
    }
    return { status: response.status, json };
  };

  return {
    url: base,

    /** `GET /health`: throws a DemoError unless the instance answers `{ status: 'ok' }`. */
    async health(): Promise<void> {
      const { status, json } = await request('GET', '/health', undefined, HEALTH_TIMEOUT_MS);
      if (status !== 200 || (json as { status?: unknown } | undefined)?.status !== 'ok') {
        throw new DemoError(`${base}/health answered ${status}: is crm-workflows running there?`);
      }
    },

    /** A call that must succeed (2xx): its JSON body; a DemoError naming the route and the API's error otherwise. */
    async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
      const { status, json } = await request(method, path, body, CALL_TIMEOUT_MS);
      if (status < 200 || status > 299) {
        throw new DemoError(`${method} ${path} answered ${status}${errorText(json)}`);
      }
      return json as T;
    },

    /** A call whose status the caller reads itself (a 404 that means "not the embedded runtime"). */
    async probe(method: string, path: string): Promise<{ status: number; json: unknown }> {
      return request(method, path, undefined, CALL_TIMEOUT_MS);
    },
  };
};

export type DemoClient = ReturnType<typeof createDemoClient>;

/** The hint printed with a missing token. */
export const MISSING_TOKEN = `WORKFLOWS_API_TOKEN is not set: set it to ${TOKEN_HINT}`;
