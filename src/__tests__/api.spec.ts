/**
 * requestAPI against a real HTTP server on localhost: the URL, the token and the errors.
 */
import { AddressInfo } from 'net';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';

import { PageConfig } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { apiUrl, requestAPI } from '../api';

interface ISeen {
  method?: string;
  path?: string;
  authorization?: string;
  body: string;
}

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** The ResponseError a call rejects with (fails the test if it resolves or rejects otherwise). */
async function responseError(call: Promise<unknown>): Promise<ServerConnection.ResponseError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ServerConnection.ResponseError);
  return error as ServerConnection.ResponseError;
}

let server: Server;
let base: string;
let seen: ISeen[];
let reply: Reply;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        body
      });
      reply(req, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // A base URL with a prefix, as under JupyterHub: the API must sit below it.
  base = `http://127.0.0.1:${port}/user/ana/`;
  PageConfig.setOption('baseUrl', base);
  PageConfig.setOption('token', 'secret-token');
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  reply = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ head: 'abc', clean: true, tracked: 3, changes: [] }));
  };
});

describe('apiUrl', () => {
  it('joins the base URL, the namespace and the endpoint', () => {
    expect(apiUrl('http://h:1/user/ana/', 'status')).toBe(
      'http://h:1/user/ana/mlversion/api/status'
    );
    expect(apiUrl('/', 'log?path=a.csv')).toBe('/mlversion/api/log?path=a.csv');
  });
});

describe('requestAPI', () => {
  it('GETs the endpoint below the base URL with the token and decodes JSON', async () => {
    const status = await requestAPI<{ tracked: number }>('status');
    expect(status.tracked).toBe(3);
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('GET');
    // The path may carry a cache-busting query; the route is what matters.
    expect(seen[0].path?.split('?')[0]).toBe('/user/ana/mlversion/api/status');
    expect(seen[0].authorization).toBe('token secret-token');
  });

  it('sends the method and body it was given', async () => {
    await requestAPI('snapshots', { method: 'POST', body: JSON.stringify({ message: 'm' }) });
    expect(seen[0].method).toBe('POST');
    expect(JSON.parse(seen[0].body)).toEqual({ message: 'm' });
  });

  it('returns undefined for an empty body', async () => {
    reply = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    await expect(requestAPI('tags/x', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it("raises a ResponseError carrying the server's message", async () => {
    reply = (_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: "tag 'v1' exists; pick another name" }));
    };
    const error = await responseError(requestAPI('tags', { method: 'POST' }));
    expect(error.message).toBe("tag 'v1' exists; pick another name");
    expect(error.response.status).toBe(409);
  });

  it("raises the engine's message of a job that failed before the answer", async () => {
    reply = (_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'j1',
          kind: 'push',
          status: 'failed',
          error: {
            status: 409,
            error: 'NonFastForwardError',
            message: 'push refused: its main has 1 new snapshot(s); run mlversion pull'
          }
        })
      );
    };
    const error = await responseError(requestAPI('push', { method: 'POST' }));
    expect(error.message).toBe('push refused: its main has 1 new snapshot(s); run mlversion pull');
    expect((error as unknown as { errorName: string }).errorName).toBe('NonFastForwardError');
  });

  it('explains a 404 as a missing server extension', async () => {
    reply = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html>Not Found</html>');
    };
    const error = await responseError(requestAPI('status'));
    expect(error.message).toContain('mlversion/api/status was not found');
    expect(error.message).toContain('jupyter server extension list');
  });

  it('raises a NetworkError when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    PageConfig.setOption('baseUrl', `http://127.0.0.1:${port}/`);
    try {
      await expect(requestAPI('status')).rejects.toBeInstanceOf(ServerConnection.NetworkError);
    } finally {
      PageConfig.setOption('baseUrl', base);
    }
  });
});
