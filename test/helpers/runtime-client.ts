/** An answer of the running runtime: its status and its JSON body (undefined when empty). */
export interface RuntimeAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read by path in the assertions
  readonly json: any;
}

/** Calls the embedded runtime over HTTP with the bearer token, as an application would. */
export const runtimeClient =
  (url: () => string, token: string) =>
  async (method: string, path: string, body?: unknown): Promise<RuntimeAnswer> => {
    const response = await fetch(`${url()}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
