// The hub's REST API (/api, /dicomweb): same origin, the session cookie rides along. Every failure becomes an
// ApiError with a sentence a clinician can act on, from the server's problem details (RFC 9457) where there are some.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export interface Reply<T> {
  data: T;
  etag: string | null;
  status: number;
}

let onUnauthorized: (() => void) | null = null;

/** Called when a request answers 401 (the session ended): the app goes back to the sign-in page. */
export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the hub', 'check the network connection; the page retries when you try again');
  }

  if (!response.ok) {
    throw await problem(response, path);
  }

  const text = await response.text();
  return { data: (text ? JSON.parse(text) : undefined) as T, etag: response.headers.get('ETag'), status: response.status };
}

async function problem(response: Response, path: string): Promise<ApiError> {
  let title = response.statusText || `HTTP ${response.status}`;
  let detail: string | undefined;
  let errors: Record<string, string[]> | undefined;
  try {
    const body = await response.json();
    title = body.title ?? title;
    detail = body.detail;
    errors = body.errors;
  } catch {
    // not problem details
  }

  if (response.status === 401 && !path.startsWith('/api/auth/login')) {
    onUnauthorized?.();
  }

  switch (response.status) {
    case 403:
      detail ??= 'this is outside your role or your institution';
      break;
    case 404:
      detail ??= 'not found on the hub';
      break;
    case 412:
      title = 'Someone else changed this meanwhile';
      detail = 'reload to see their change, then try again';
      break;
    case 428:
      detail ??= 'reload and try again';
      break;
    case 429:
      detail = `too many attempts; wait ${response.headers.get('Retry-After') ?? 'a minute'} s and try again`;
      break;
    case 502:
    case 503:
    case 504:
      detail ??= 'the hub is busy or restarting; try again in a moment';
      break;
  }

  if (errors) {
    detail = [detail, ...Object.entries(errors).map(([field, messages]) => `${field}: ${messages.join('; ')}`)].filter(Boolean).join(' — ');
  }

  return new ApiError(response.status, title, detail, errors);
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body ?? {}, headers);
export const put = <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PUT', path, body, headers);

export function message(error: unknown): string {
  return error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
}
