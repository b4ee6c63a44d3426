// The one way the app talks to the daemon: JSON under /api/v1, the session cookie, and the CSRF token on
// every request that changes something. Errors become ApiError with the API's code and message.

let csrfToken = null;
let onSignedOut = () => {};

export function setCsrfToken(token) { csrfToken = token; }
// Called when any request answers 401: the session ended (expired, signed out elsewhere).
export function whenSignedOut(callback) { onSignedOut = callback; }

export class ApiError extends Error {
  constructor(status, code, message, retryAfterS) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.retryAfterS = retryAfterS;
  }
}

export async function api(method, path, body, {quiet401 = false} = {}) {
  const headers = {'Accept': 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'unavailable', e.message);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    const error = new ApiError(response.status, data?.error?.code, data?.error?.message,
                               Number.isFinite(retry) ? retry : null);
    if (response.status === 401 && !quiet401) onSignedOut();
    throw error;
  }
  return data;
}

// "?a=1&b=x" from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Every item of a list endpoint, following next_cursor (at most `max` items).
export async function listAll(path, params = {}, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await api('GET', path + query({...params, limit: 500, cursor}));
    items.push(...(page?.items ?? []));
    cursor = page?.next_cursor ?? null;
  } while (cursor && items.length < max);
  return items;
}
