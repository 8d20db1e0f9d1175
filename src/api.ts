/**
 * The one place the frontend talks to the server's REST API.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Path of the REST API below the server's base URL. */
export const API_NAMESPACE = 'mlversion/api';

/**
 * The full URL of an API endpoint below a server base URL.
 *
 * @param baseUrl - the server's base URL, e.g. `http://host:8888/user/ana/`
 * @param endpoint - the path below `mlversion/api/`, e.g. `status` or `log?path=x`
 */
export function apiUrl(baseUrl: string, endpoint: string): string {
  return URLExt.join(baseUrl, API_NAMESPACE, endpoint);
}

/**
 * Call the mlversion REST API and return its decoded JSON answer.
 *
 * Authentication (token, XSRF cookie) comes from the page's server settings.
 *
 * @param endpoint - the path below `mlversion/api/`
 * @param init - fetch options such as `method` and `body`
 * @returns the decoded JSON body, or `undefined` for an empty body
 * @throws ServerConnection.NetworkError when the server cannot be reached
 * @throws ServerConnection.ResponseError when the server answers with an error status
 */
export async function requestAPI<T>(endpoint = '', init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = apiUrl(settings.baseUrl, endpoint);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  let data: unknown = undefined;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // A proxy or a missing route may answer with HTML: keep its text for the message.
      data = text;
    }
  }
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, errorMessage(response, data));
  }
  return data as T;
}

/** A readable message for a failed response: the server's own message when it sent one. */
export function errorMessage(response: Response, data: unknown): string {
  if (data !== null && typeof data === 'object' && 'message' in data) {
    const message = (data as { message: unknown }).message;
    if (typeof message === 'string' && message.length > 0) {
      return message;
    }
  }
  if (response.status === 404) {
    return `${response.url.split('?')[0]} was not found: is the jupyter_mlversion server extension enabled? (try 'jupyter server extension list')`;
  }
  return `the server answered ${response.status} ${response.statusText}`.trim();
}
