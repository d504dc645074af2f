/** The two servers `npm run bench:server` compares, on the same hello world. */
import http from 'node:http';
import type net from 'node:net';
import { hello } from '../solutions/27-hello-server/hello-server.ts';
import { createServer } from '../solutions/31-persistent-connections/connection.ts';

export const SERVERS = ['kata', 'node:http'] as const;
export type ServerName = (typeof SERVERS)[number];

/** What both answer to `GET /`, kata 27's greeting: the same status, fields and body. */
export const GREETING = 'Hello world!\n';

/** node:http answering as kata 27's hello handler does for `GET /`. */
function nodeHello(): http.Server {
  return http.createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(GREETING),
    });
    response.end(GREETING);
  });
}

/** The server by its name, not yet listening. */
export function helloServer(name: ServerName): net.Server {
  return name === 'kata' ? createServer(hello) : nodeHello();
}
