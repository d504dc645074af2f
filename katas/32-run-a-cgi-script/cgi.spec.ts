import { promises as fs, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { listen } from '../../support/harness/index.ts';
import { splitUrl } from '../16-parse-a-url/uri-reference.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import {
  type CgiOptions,
  CgiOutputError,
  createCgiServer,
  findScript,
  metaVariables,
  type OutputErrorReason,
  parseCgiResponse,
  type RefusalReason,
  runScript,
  type ScriptMatch,
} from './cgi.ts';
import {
  allGone,
  CGI_BIN,
  CONNECTION,
  curl,
  FORM_SCRIPT,
  get,
  HAS_CURL,
  nodeRequest,
  type Report,
  RFC_3875_NAMES,
  requestOf,
  SCRIPTS,
  script,
  waitFor,
  withCurl,
} from './fixtures/cgi.ts';

const TABLE = { '/cgi-bin/echo': '/srv/cgi/echo.sh', '/app': 'app.js', '/app/admin': 'admin.js' };

function origin(text: string): RequestTarget {
  const mark = text.indexOf('?');
  return mark === -1
    ? { form: 'origin', text, path: text, query: undefined }
    : { form: 'origin', text, path: text.slice(0, mark), query: text.slice(mark + 1) };
}

function refusedWith(text: string, reason: RefusalReason, status: number) {
  expect(findScript(TABLE, origin(text)), text).toEqual({ kind: 'refused', reason, status });
}

describe('RFC 3875 §3.2: a URL prefix selects the script; the rest of the path is PATH_INFO', () => {
  test('the prefix itself runs the script, with no PATH_INFO', () => {
    expect(findScript(TABLE, origin('/cgi-bin/echo'))).toEqual({
      kind: 'script',
      scriptName: '/cgi-bin/echo',
      pathInfo: '',
      file: '/srv/cgi/echo.sh',
    });
  });

  test('the segments after the prefix are PATH_INFO: /cgi-bin/echo/a/b', () => {
    expect(findScript(TABLE, origin('/cgi-bin/echo/a/b'))).toMatchObject({
      scriptName: '/cgi-bin/echo',
      pathInfo: '/a/b',
    });
  });

  test('§4.1.5: a trailing "/" is a PATH_INFO of "/", a single void segment', () => {
    expect(findScript(TABLE, origin('/cgi-bin/echo/'))).toMatchObject({ pathInfo: '/' });
  });

  test('the prefix matches whole segments only: /cgi-bin/echoes is no script (404)', () => {
    refusedWith('/cgi-bin/echoes', 'no-script', 404);
  });

  test('a path under no prefix is no script (404)', () => {
    refusedWith('/', 'no-script', 404);
    refusedWith('/cgi-bin', 'no-script', 404);
  });

  test('§4.1.5: the path is case-sensitive: /CGI-BIN/echo is no script', () => {
    refusedWith('/CGI-BIN/echo', 'no-script', 404);
  });

  test('the longest prefix wins: /app/admin/x runs admin.js with PATH_INFO /x', () => {
    expect(findScript(TABLE, origin('/app/admin/x'))).toEqual({
      kind: 'script',
      scriptName: '/app/admin',
      pathInfo: '/x',
      file: path.resolve('admin.js'),
    });
    expect(findScript(TABLE, origin('/app/other'))).toMatchObject({
      scriptName: '/app',
      pathInfo: '/other',
    });
  });

  test('the longest prefix wins whatever the order of the table', () => {
    const table = { '/app/admin': 'admin.js', '/app': 'app.js' };
    expect(findScript(table, origin('/app/admin/x'))).toMatchObject({ scriptName: '/app/admin' });
    expect(findScript(table, origin('/app/x'))).toMatchObject({ scriptName: '/app' });
  });

  test('a relative script file is under the working directory', () => {
    expect(findScript(TABLE, origin('/app'))).toMatchObject({ file: path.resolve('app.js') });
  });

  test('the query is not part of the path: /cgi-bin/echo?x=/y', () => {
    expect(findScript(TABLE, origin('/cgi-bin/echo?x=/y'))).toMatchObject({ pathInfo: '' });
  });

  test('§4.1.5: PATH_INFO "is not URL-encoded": each segment is percent-decoded as UTF-8', () => {
    expect(findScript(TABLE, origin('/cgi-bin/echo/caf%C3%A9%20au%20lait/%3Bx'))).toMatchObject({
      pathInfo: '/café au lait/;x',
    });
  });

  test('the prefix is matched on decoded segments: /cgi-bin/%65cho is /cgi-bin/echo', () => {
    expect(findScript(TABLE, origin('/cgi-bin/%65cho/x'))).toMatchObject({
      scriptName: '/cgi-bin/echo',
      pathInfo: '/x',
    });
  });

  test('RFC 9112 §3.2.2: an absolute-form target selects by its path', () => {
    const text = 'http://example.test/cgi-bin/echo/x?y=1';
    const target: RequestTarget = { form: 'absolute', text, url: splitUrl(text) };
    expect(findScript(TABLE, target)).toMatchObject({
      scriptName: '/cgi-bin/echo',
      pathInfo: '/x',
    });
  });

  test('authority-form and asterisk-form name no script (400)', () => {
    const authority: RequestTarget = {
      form: 'authority',
      text: 'example.test:443',
      host: 'example.test',
      port: 443,
    };
    expect(findScript(TABLE, authority)).toEqual({
      kind: 'refused',
      reason: 'no-path',
      status: 400,
    });
    expect(findScript(TABLE, { form: 'asterisk', text: '*' })).toMatchObject({ reason: 'no-path' });
  });
});

describe('RFC 3875 §4.1.5, §9.8: PATH_INFO a script could be fooled by is refused (400)', () => {
  test('an encoded "/" (%2F, %2f) would be lost once decoded into PATH_INFO', () => {
    refusedWith('/cgi-bin/echo/a%2Fb', 'separator', 400);
    refusedWith('/cgi-bin/echo/a%2fb', 'separator', 400);
  });

  test('a NUL (%00) cannot be put in an environment variable', () => {
    refusedWith('/cgi-bin/echo/a%00b', 'nul', 400);
  });

  test('a stray "%" or octets that are not UTF-8 (overlong %C0%AE) are bad encoding', () => {
    refusedWith('/cgi-bin/echo/%zz', 'bad-encoding', 400);
    refusedWith('/cgi-bin/echo/%C0%AE%C0%AE', 'bad-encoding', 400);
  });

  test('dot segments, raw or encoded, after the script: /cgi-bin/echo/../../etc', () => {
    for (const dots of ['..', '.', '%2e%2e', '%2E', '.%2e']) {
      refusedWith(`/cgi-bin/echo/${dots}/etc`, 'dot-segment', 400);
    }
  });

  test('dot segments before the script: /cgi-bin/../cgi-bin/echo', () => {
    refusedWith('/cgi-bin/../cgi-bin/echo', 'dot-segment', 400);
  });
});

/** The script of the requests below, under /cgi-bin/echo. */
const ECHO: ScriptMatch = {
  kind: 'script',
  scriptName: '/cgi-bin/echo',
  pathInfo: '/a b',
  file: '/srv/cgi/echo.sh',
};

function variablesOf(head: string, options = {}, match: ScriptMatch = ECHO) {
  return metaVariables(requestOf(head), CONNECTION, match, options);
}

const GET =
  'GET /cgi-bin/echo/a%20b?name=caf%C3%A9&x=a+b HTTP/1.1\r\nHost: www.example.test:9000\r\n\r\n';

describe('RFC 3875 §4.1: the meta-variables every request sets', () => {
  test('§4.1.4: GATEWAY_INTERFACE is CGI/1.1', () => {
    expect(variablesOf(GET).GATEWAY_INTERFACE).toBe('CGI/1.1');
  });

  test('§4.1.12: REQUEST_METHOD is the method, as sent', () => {
    expect(variablesOf(GET).REQUEST_METHOD).toBe('GET');
    const del = 'DELETE /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n\r\n';
    expect(variablesOf(del).REQUEST_METHOD).toBe('DELETE');
  });

  test('§4.1.7: QUERY_STRING is the query as sent, still URL-encoded', () => {
    expect(variablesOf(GET).QUERY_STRING).toBe('name=caf%C3%A9&x=a+b');
  });

  test('§4.1.7: with no query, QUERY_STRING MUST be the empty string (and a bare "?" too)', () => {
    const none = 'GET /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n\r\n';
    const bare = 'GET /cgi-bin/echo? HTTP/1.1\r\nHost: a.test\r\n\r\n';
    expect(variablesOf(none)).toHaveProperty('QUERY_STRING', '');
    expect(variablesOf(bare)).toHaveProperty('QUERY_STRING', '');
  });

  test('RFC 9112 §3.2.2: QUERY_STRING of an absolute-form target is its query', () => {
    const head = 'GET http://b.test/cgi-bin/echo?q=1 HTTP/1.1\r\nHost: a.test\r\n\r\n';
    expect(variablesOf(head).QUERY_STRING).toBe('q=1');
  });

  test('§4.1.13, §4.1.5: SCRIPT_NAME and PATH_INFO are those of the script selected', () => {
    const match = { ...ECHO, scriptName: '/s', pathInfo: '/p/q' };
    expect(variablesOf(GET, {}, match)).toMatchObject({ SCRIPT_NAME: '/s', PATH_INFO: '/p/q' });
  });

  test('§4.1: PATH_INFO is left unset when it is empty', () => {
    expect(variablesOf(GET, {}, { ...ECHO, pathInfo: '' })).not.toHaveProperty('PATH_INFO');
  });

  test('§4.1.6: PATH_TRANSLATED is PATH_INFO under the document root', () => {
    const root = path.join(path.sep, 'srv', 'www');
    expect(variablesOf(GET, { documentRoot: root }).PATH_TRANSLATED).toBe(path.join(root, 'a b'));
  });

  test('§4.1.6: no PATH_TRANSLATED without a document root to translate under', () => {
    expect(variablesOf(GET)).not.toHaveProperty('PATH_TRANSLATED');
  });

  test('§4.1.6: "If PATH_INFO is NULL, then the PATH_TRANSLATED variable MUST be ... unset"', () => {
    const variables = variablesOf(GET, { documentRoot: '/srv/www' }, { ...ECHO, pathInfo: '' });
    expect(variables).not.toHaveProperty('PATH_TRANSLATED');
  });

  test('§4.1.8: REMOTE_ADDR is the address of the client', () => {
    expect(variablesOf(GET).REMOTE_ADDR).toBe(CONNECTION.remoteAddress);
  });

  test('§4.1.9: REMOTE_HOST is the client address too: no DNS lookup per request', () => {
    expect(variablesOf(GET).REMOTE_HOST).toBe(CONNECTION.remoteAddress);
  });

  test('§4.1.14: SERVER_NAME is the host of the Host field, without its port', () => {
    expect(variablesOf(GET).SERVER_NAME).toBe('www.example.test');
  });

  test('§4.1.14: an IPv6 SERVER_NAME keeps its brackets', () => {
    const head = 'GET /cgi-bin/echo HTTP/1.1\r\nHost: [::1]:9000\r\n\r\n';
    expect(variablesOf(head).SERVER_NAME).toBe('[::1]');
  });

  test('RFC 9112 §3.2.2: for an absolute-form target, SERVER_NAME is its host, not Host', () => {
    const head = 'GET http://b.test/cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n\r\n';
    expect(variablesOf(head).SERVER_NAME).toBe('b.test');
  });

  test('§4.1.14: with no Host (HTTP/1.0), SERVER_NAME is the address the request came to', () => {
    const head = 'GET /cgi-bin/echo HTTP/1.0\r\n\r\n';
    expect(variablesOf(head).SERVER_NAME).toBe(CONNECTION.localAddress);
    const v6 = { ...CONNECTION, localAddress: '::1' };
    expect(metaVariables(requestOf(head), v6, ECHO).SERVER_NAME).toBe('[::1]');
  });

  test('§4.1.14: an empty Host is no name either', () => {
    const head = 'GET /cgi-bin/echo HTTP/1.1\r\nHost:\r\n\r\n';
    expect(variablesOf(head).SERVER_NAME).toBe(CONNECTION.localAddress);
  });

  test('§4.1.15: SERVER_PORT is the port the request came in on, whatever Host says', () => {
    expect(variablesOf(GET).SERVER_PORT).toBe(String(CONNECTION.localPort));
  });

  test('§4.1.16: SERVER_PROTOCOL is the version of the request', () => {
    expect(variablesOf(GET).SERVER_PROTOCOL).toBe('HTTP/1.1');
    expect(variablesOf('GET / HTTP/1.0\r\n\r\n').SERVER_PROTOCOL).toBe('HTTP/1.0');
  });

  test('§4.1.17: SERVER_SOFTWARE is a product: name "/" version', () => {
    expect(variablesOf(GET).SERVER_SOFTWARE).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/\S+$/);
  });
});

const POST = (fields: string, body: string) =>
  `POST /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n${fields}\r\n${body}`;

describe('RFC 3875 §4.1.2, §4.1.3: CONTENT_LENGTH and CONTENT_TYPE describe the body', () => {
  test('CONTENT_LENGTH is the length of the body in octets, not in characters', () => {
    expect(variablesOf(POST('Content-Length: 5\r\n', 'hello')).CONTENT_LENGTH).toBe('5');
    const utf8 = Buffer.from('héllo').toString('latin1');
    expect(variablesOf(POST('Content-Length: 6\r\n', utf8)).CONTENT_LENGTH).toBe('6');
  });

  test('§4.2: a chunked body is decoded, and CONTENT_LENGTH counts what is left', () => {
    const chunked = POST('Transfer-Encoding: chunked\r\n', '5\r\nhello\r\n3\r\n!!!\r\n0\r\n\r\n');
    expect(variablesOf(chunked).CONTENT_LENGTH).toBe('8');
  });

  test('"if and only if the request is accompanied by a message-body": a GET has none', () => {
    expect(variablesOf(GET)).not.toHaveProperty('CONTENT_LENGTH');
  });

  test('RFC 9112 §6: a Content-Length of 0 is a body, an empty one', () => {
    expect(variablesOf(POST('Content-Length: 0\r\n', '')).CONTENT_LENGTH).toBe('0');
  });

  test('CONTENT_TYPE is the Content-Type field as sent', () => {
    const head = POST('Content-Length: 3\r\nContent-Type: text/plain; charset=UTF-8\r\n', 'a=b');
    expect(variablesOf(head).CONTENT_TYPE).toBe('text/plain; charset=UTF-8');
  });

  test('no Content-Type, no CONTENT_TYPE: the server does not guess', () => {
    expect(variablesOf(POST('Content-Length: 3\r\n', 'a=b'))).not.toHaveProperty('CONTENT_TYPE');
  });
});

describe('RFC 3875 §4.1.1, §4.1.10, §4.1.11: what this server does not know is left unset', () => {
  const withCredentials =
    'GET /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\nAuthorization: Basic YWRhOnNlY3JldA==\r\n\r\n';

  test('AUTH_TYPE and REMOTE_USER: this server authenticates no one, so none is set', () => {
    const variables = variablesOf(withCredentials);
    expect(variables).not.toHaveProperty('AUTH_TYPE');
    expect(variables).not.toHaveProperty('REMOTE_USER');
  });

  test('REMOTE_IDENT: no RFC 1413 ident lookup is made', () => {
    expect(variablesOf(GET)).not.toHaveProperty('REMOTE_IDENT');
  });

  test('no variable but those of §4.1 and HTTP_*', () => {
    const names = Object.keys(variablesOf(POST('Content-Length: 1\r\nX-A: b\r\n', 'x')));
    for (const name of names) {
      expect(
        name.startsWith('HTTP_') || (RFC_3875_NAMES as readonly string[]).includes(name),
        name,
      ).toBe(true);
    }
  });
});

const withFields = (fields: string) =>
  `GET /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n${fields}\r\n`;

describe('RFC 3875 §4.1.18: each request field is an HTTP_* variable', () => {
  test('the name upper-cased, "-" as "_", HTTP_ before it: User-Agent is HTTP_USER_AGENT', () => {
    const variables = variablesOf(withFields('User-Agent: curl/8.5.0\r\nX-Request-Id: 42\r\n'));
    expect(variables).toMatchObject({ HTTP_USER_AGENT: 'curl/8.5.0', HTTP_X_REQUEST_ID: '42' });
  });

  test('the Host field too: HTTP_HOST is the field as sent', () => {
    expect(variablesOf(GET).HTTP_HOST).toBe('www.example.test:9000');
  });

  test('repeated fields "MUST" become one value: joined with ", " (RFC 9110 §5.3)', () => {
    const variables = variablesOf(withFields('Accept: text/html\r\nX-Tag: a\r\naccept: */*\r\n'));
    expect(variables.HTTP_ACCEPT).toBe('text/html, */*');
  });

  test('§9.2: Authorization and Proxy-Authorization carry credentials: never passed', () => {
    const variables = variablesOf(
      withFields('Authorization: Basic YWRhOnNlY3JldA==\r\nProxy-Authorization: Basic eDp5\r\n'),
    );
    expect(variables).not.toHaveProperty('HTTP_AUTHORIZATION');
    expect(variables).not.toHaveProperty('HTTP_PROXY_AUTHORIZATION');
  });

  test('Content-Length and Content-Type are in CONTENT_LENGTH and CONTENT_TYPE, not HTTP_*', () => {
    const variables = variablesOf(POST('Content-Length: 1\r\nContent-Type: text/plain\r\n', 'x'));
    expect(variables).not.toHaveProperty('HTTP_CONTENT_LENGTH');
    expect(variables).not.toHaveProperty('HTTP_CONTENT_TYPE');
  });

  test('Connection is about this connection, not the request: not passed', () => {
    expect(variablesOf(withFields('Connection: keep-alive\r\n'))).not.toHaveProperty(
      'HTTP_CONNECTION',
    );
  });

  test('httpoxy: a Proxy field never becomes HTTP_PROXY, which HTTP libraries take for their proxy', () => {
    const variables = variablesOf(withFields('Proxy: http://attacker.test:8080\r\n'));
    expect(variables).not.toHaveProperty('HTTP_PROXY');
    expect(Object.values(variables)).not.toContain('http://attacker.test:8080');
  });

  test('a name with "_" is dropped: X_User would pass for X-User past a proxy that strips X-User', () => {
    const variables = variablesOf(withFields('X-User: alice\r\nX_User: admin\r\n'));
    expect(variables.HTTP_X_USER).toBe('alice');
  });

  test('a name with other token characters (X.Y, X!) makes no variable', () => {
    const variables = variablesOf(withFields('X.Y: 1\r\nX!: 2\r\n'));
    expect(Object.keys(variables).filter((name) => name.startsWith('HTTP_X'))).toEqual([]);
  });
});

function outputOf(text: string | Uint8Array) {
  return parseCgiResponse(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
}

function refusedOutput(text: string, reason: OutputErrorReason) {
  let thrown: unknown;
  try {
    outputOf(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, JSON.stringify(text)).toBeInstanceOf(CgiOutputError);
  expect((thrown as CgiOutputError).reason, JSON.stringify(text)).toBe(reason);
}

describe('RFC 3875 §6.2.1: a document response is Content-Type, a blank line, the body', () => {
  test('Content-Type alone: 200, the field passed on, the body after the blank line', () => {
    expect(outputOf('Content-Type: text/plain\n\nhello')).toEqual({
      kind: 'document',
      status: 200,
      reason: undefined,
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('hello'),
    });
  });

  test('§7.2: lines end in LF, and CR LF is accepted too', () => {
    expect(outputOf('Content-Type: text/plain\r\nX-A: 1\r\n\r\nhello')).toMatchObject({
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
      ],
      body: Buffer.from('hello'),
    });
  });

  test('§6.4: the body is every octet after the blank line, blank lines and CR LF included', () => {
    const body = Buffer.from([0x00, 0x0a, 0x0a, 0x0d, 0x0a, 0xff, 0x0d]);
    const output = Buffer.concat([Buffer.from('Content-Type: application/octet-stream\n\n'), body]);
    expect(outputOf(output)).toMatchObject({ body });
  });

  test('an empty body is a document too', () => {
    expect(outputOf('Content-Type: text/plain\n\n')).toMatchObject({
      status: 200,
      body: Buffer.alloc(0),
    });
  });

  test('§6.3: field names are case-insensitive: content-type and STATUS are CGI fields', () => {
    expect(outputOf('STATUS: 404 Gone Fishing\ncontent-type: text/plain\n\nx')).toMatchObject({
      status: 404,
      headers: [['content-type', 'text/plain']],
    });
  });

  test('§6.3: whitespace after the ":" is optional and not part of the value', () => {
    expect(outputOf('Content-Type:text/plain\nX-A: \t 1 \t\n\nx')).toMatchObject({
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
      ],
    });
  });

  test('§6.3.4: other fields pass on in order, a repeated Set-Cookie as two', () => {
    const output =
      'Set-Cookie: a=1\nContent-Type: text/html\nCache-Control: no-store\nSet-Cookie: b=2\n\n';
    expect(outputOf(output)).toMatchObject({
      headers: [
        ['Set-Cookie', 'a=1'],
        ['Content-Type', 'text/html'],
        ['Cache-Control', 'no-store'],
        ['Set-Cookie', 'b=2'],
      ],
    });
  });

  test('§6.3: "A NULL field value is equivalent to a field not being sent"', () => {
    expect(outputOf('Location:\nStatus:\nX-Empty:\nContent-Type: text/plain\n\nx')).toMatchObject({
      kind: 'document',
      status: 200,
      headers: [['Content-Type', 'text/plain']],
    });
  });

  test('§6.3.5: X-CGI-* fields are for the server: not passed on', () => {
    expect(
      outputOf('X-CGI-Debug: on\nContent-Type: text/plain\nx-cgi-other: 1\n\nx'),
    ).toMatchObject({
      headers: [['Content-Type', 'text/plain']],
    });
  });

  test.each([
    'Connection',
    'Keep-Alive',
    'Transfer-Encoding',
    'Content-Length',
    'TE',
    'Trailer',
    'Upgrade',
  ])("§6.3.4: %s frames the connection, which is the server's: not passed on", (name) => {
    expect(outputOf(`Content-Type: text/plain\n${name}: 3\n\nhello`)).toMatchObject({
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('hello'),
    });
  });
});

describe('RFC 3875 §6.3.3: Status = "Status:" status-code SP reason-phrase', () => {
  test('the code and the reason phrase, and Status itself is not passed on', () => {
    expect(outputOf('Status: 404 Not Here\nContent-Type: text/plain\n\nnone')).toEqual({
      kind: 'document',
      status: 404,
      reason: 'Not Here',
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('none'),
    });
  });

  test('a code without a phrase keeps the default phrase (reason undefined)', () => {
    expect(outputOf('Status: 201\nContent-Type: text/plain\n\nx')).toMatchObject({
      status: 201,
      reason: undefined,
    });
  });

  test.each([
    '99 Low',
    '600 High',
    'abc',
    '2000 OK',
    '20 OK',
    '200OK',
    '101 Switching Protocols',
    'HTTP/1.1 404 Not Found',
  ])('Status: %s is not a code a script may answer with (bad-status)', (status) => {
    refusedOutput(`Status: ${status}\nContent-Type: text/plain\n\nx`, 'bad-status');
  });

  test('RFC 9110 §6.4.1: a 204, 205 or 304 with a body is refused', () => {
    for (const code of [204, 205, 304]) {
      refusedOutput(`Status: ${code}\nContent-Type: text/plain\n\nx`, 'body-not-allowed');
    }
  });

  test('a 204 with no body is fine', () => {
    expect(outputOf('Status: 204 No Content\n\n')).toMatchObject({ status: 204, headers: [] });
  });

  test('a body needs a Content-Type, with a Status too (§6.3.1)', () => {
    refusedOutput('Status: 200 OK\n\nbody', 'no-content-type');
  });
});

describe('RFC 3875 §6.2.2–§6.2.4: Location, a local or a client redirect', () => {
  test('§6.2.2: a path alone is a local redirect, the query kept', () => {
    expect(outputOf('Location: /cgi-bin/echo/x?y=1\n\n')).toEqual({
      kind: 'local-redirect',
      location: '/cgi-bin/echo/x?y=1',
    });
  });

  test('§6.2.2: a local redirect "MUST NOT return any other header fields or a message-body"', () => {
    refusedOutput('Location: /x\nSet-Cookie: a=1\n\n', 'local-redirect-with-more');
    refusedOutput('Location: /x\nContent-Type: text/plain\n\nbody', 'local-redirect-with-more');
    refusedOutput('Location: /x\n\nbody', 'local-redirect-with-more');
  });

  test('§6.2.3: an absolute URI alone is a client redirect', () => {
    expect(outputOf('Location: https://example.test/elsewhere#top\n\n')).toEqual({
      kind: 'client-redirect',
      location: 'https://example.test/elsewhere#top',
      headers: [['Location', 'https://example.test/elsewhere#top']],
    });
  });

  test('§6.2.3: the fields that go with it pass on (a Set-Cookie with the redirect)', () => {
    expect(outputOf('Location: http://a.test/\nSet-Cookie: s=1\n\n')).toMatchObject({
      kind: 'client-redirect',
      headers: [
        ['Location', 'http://a.test/'],
        ['Set-Cookie', 's=1'],
      ],
    });
  });

  test('§6.2.4: a redirect with a document MUST supply a Status', () => {
    refusedOutput(
      'Location: http://a.test/\nContent-Type: text/html\n\n<a href=x>x</a>',
      'client-redirect-with-body',
    );
  });

  test('§6.2.4: Status, Location and Content-Type: a redirect with a document', () => {
    const output =
      'Location: http://a.test/new\nStatus: 301 Moved Permanently\nContent-Type: text/html\n\n<a>new</a>';
    expect(outputOf(output)).toEqual({
      kind: 'client-redirect-with-document',
      status: 301,
      reason: 'Moved Permanently',
      headers: [
        ['Location', 'http://a.test/new'],
        ['Content-Type', 'text/html'],
      ],
      body: Buffer.from('<a>new</a>'),
    });
  });

  test("a Status with a Location and no body: the redirect is the script's (303, no Content-Type)", () => {
    expect(outputOf('Status: 303 See Other\nLocation: http://a.test/done\n\n')).toMatchObject({
      kind: 'client-redirect-with-document',
      status: 303,
    });
  });

  test('a Status with a local path: a document whose Location field is passed on as written', () => {
    expect(
      outputOf('Status: 201 Created\nLocation: /items/7?from=http://a.test/\n\n'),
    ).toMatchObject({
      kind: 'document',
      status: 201,
      headers: [['Location', '/items/7?from=http://a.test/']],
    });
  });

  test('§6.3.2: a Location that is neither a path nor an absolute URI is refused', () => {
    refusedOutput('Location: other/page\n\n', 'bad-location');
    refusedOutput('Location: ?page=2\n\n', 'bad-location');
    refusedOutput('Location: next?to=http://a.test/\n\n', 'bad-location');
  });
});

describe('RFC 3875 §6.2, §6.3: output that is no CGI response', () => {
  test('§6.1: no output at all', () => {
    refusedOutput('', 'empty');
  });

  test('§6.2: no blank line after the fields', () => {
    refusedOutput('Content-Type: text/plain\n', 'no-blank-line');
    refusedOutput('Content-Type: text/plain', 'no-blank-line');
  });

  test('text that is no field line: Hello world', () => {
    refusedOutput('Hello world\n\n', 'bad-field');
  });

  test('a line with no ":" at all is no field, even a single word', () => {
    refusedOutput('Status: 200 OK\nContent-Type: text/plain\noops\n\nx', 'bad-field');
  });

  test('a field-name is a token: no space in it, none before the ":"', () => {
    refusedOutput('Content Type: text/plain\n\nx', 'bad-field');
    refusedOutput('Content-Type : text/plain\n\nx', 'bad-field');
  });

  test('"CGI/1.1 does not support continuation lines"', () => {
    refusedOutput('Content-Type: text/plain\nX-Long: a\n b\n\nx', 'bad-field');
  });

  test('a value with a bare CR or a NUL would split or cut the response line', () => {
    refusedOutput('Content-Type: text/plain\nX-A: a\rSet-Cookie: x\n\nx', 'bad-field');
    refusedOutput('Content-Type: text/plain\nX-A: a\0b\n\nx', 'bad-field');
  });

  test('"each CGI field MUST NOT appear more than once"', () => {
    refusedOutput('Content-Type: text/plain\nContent-Type: text/html\n\nx', 'duplicate-field');
    refusedOutput('Status: 200\nstatus: 404\nContent-Type: text/plain\n\nx', 'duplicate-field');
    refusedOutput('Location: /a\nLocation: /b\n\n', 'duplicate-field');
  });

  test('"At least one CGI field MUST be supplied"', () => {
    refusedOutput('X-Only: 1\n\nbody', 'no-cgi-field');
    refusedOutput('\nbody', 'no-cgi-field');
  });

  test('the error names the rule', () => {
    expect(() => outputOf('')).toThrow(/RFC 3875 §6\.1/);
  });
});

describe('RFC 3875 §3.4, §7.2: the script runs as a child process, with nothing but its environment', () => {
  async function inspect(options: { env?: Record<string, string>; input?: Uint8Array } = {}) {
    const result = await waitFor(
      runScript(script('inspect.cgi'), {
        env: options.env ?? { PATH: process.env.PATH ?? '' },
        input: options.input ?? Buffer.alloc(0),
        timeoutMs: 3_000,
      }),
      'inspect.cgi never finished',
    );
    if (result.kind !== 'exited')
      throw new Error(`inspect.cgi did not exit: ${JSON.stringify(result)}`);
    const text = Buffer.from(result.stdout).toString();
    return JSON.parse(text.slice(text.indexOf('\n\n') + 2)) as Report;
  }

  test("the environment is exactly the one given, nothing of the server's", async () => {
    const env = { PATH: process.env.PATH ?? '', QUERY_STRING: 'a=1' };
    expect((await inspect({ env })).env).toEqual(env);
  });

  test('no command line: request data never becomes an argument (§4.4)', async () => {
    expect((await inspect()).argv).toEqual([]);
  });

  test('§7.2: "The current working directory for the script SHOULD be set to the directory containing the script"', async () => {
    expect((await inspect()).cwd).toBe(realpathSync(CGI_BIN));
  });

  test("no shell between: the script's parent is the server process itself", async () => {
    expect((await inspect()).ppid).toBe(process.pid);
  });

  test('§4.2: the input arrives on standard input octet for octet, and it is closed', async () => {
    const input = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    expect(Buffer.from((await inspect({ input })).stdin, 'base64').equals(input)).toBe(true);
  });

  test('a script that dies: its exit status, and what it wrote', async () => {
    const result = await waitFor(
      runScript(script('crash.sh'), { env: {}, input: Buffer.alloc(0), timeoutMs: 3_000 }),
      'crash.sh never finished',
    );
    expect(result).toMatchObject({ kind: 'exited', code: 3, signal: null });
    expect(result.kind === 'exited' && Buffer.from(result.stdout).toString()).toContain(
      'first half',
    );
  });

  test('a script that does not exist is not started: ENOENT', async () => {
    const result = await waitFor(
      runScript(script('no-such-script.sh'), { env: {}, input: Buffer.alloc(0), timeoutMs: 3_000 }),
      'the run of a missing script never ended',
    );
    expect(result).toEqual({ kind: 'not-started', code: 'ENOENT' });
  });

  test('a file that is not executable is not started: EACCES', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'kata32-'));
    onTestFinished(() => fs.rm(folder, { recursive: true, force: true }));
    const file = path.join(folder, 'plain.sh');
    await fs.writeFile(file, '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nx"\n', {
      mode: 0o644,
    });
    const result = await waitFor(
      runScript(file, { env: {}, input: Buffer.alloc(0), timeoutMs: 3_000 }),
      'the run of a plain file never ended',
    );
    expect(result).toEqual({ kind: 'not-started', code: 'EACCES' });
  });

  test('the file is a file name, never a shell command: a folder named "a b;$(x)" works', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'kata32-'));
    onTestFinished(() => fs.rm(folder, { recursive: true, force: true }));
    const odd = path.join(folder, 'a b;$(exit 7)');
    await fs.mkdir(odd);
    const file = path.join(odd, 'echo.sh');
    await fs.copyFile(script('echo.sh'), file);
    await fs.chmod(file, 0o755);
    const result = await waitFor(
      runScript(file, { env: { REQUEST_METHOD: 'GET' }, input: Buffer.alloc(0), timeoutMs: 3_000 }),
      'the script in an odd folder never finished',
    );
    expect(result).toMatchObject({ kind: 'exited', code: 0 });
    expect(result.kind === 'exited' && Buffer.from(result.stdout).toString()).toContain('GET\n');
  });

  test('a script that hangs, SIGTERM ignored, is killed at the deadline with the process it started', async () => {
    const said: Buffer[] = [];
    const result = await waitFor(
      runScript(script('hang.sh'), {
        env: { PATH: process.env.PATH ?? '' },
        input: Buffer.alloc(0),
        timeoutMs: 300,
        onStderr: (bytes) => said.push(Buffer.from(bytes)),
      }),
      'hang.sh was never killed',
    );
    expect(result).toEqual({ kind: 'timed-out' });
    const pids = Buffer.concat(said).toString().trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    await allGone(pids);
  });

  test('standard error is read as it comes: 4 MiB of it does not block the script', async () => {
    let octets = 0;
    const result = await waitFor(
      runScript(script('flood.sh'), {
        env: { PATH: process.env.PATH ?? '' },
        input: Buffer.alloc(0),
        timeoutMs: 3_000,
        onStderr: (bytes) => {
          octets += bytes.length;
        },
      }),
      'flood.sh never finished: its standard error was not read',
    );
    expect(result).toMatchObject({ kind: 'exited', code: 0 });
    expect(octets).toBe(4 * 1024 * 1024);
  });
});

async function serve(options: Partial<CgiOptions> = {}): Promise<string> {
  const port = await listen(createCgiServer({ scripts: SCRIPTS, timeoutMs: 3_000, ...options }));
  return `http://127.0.0.1:${port}`;
}

async function reportOf(response: globalThis.Response): Promise<Report> {
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

describe('RFC 3875 §4, §6: the server runs the script for the request (fetch, node:http)', () => {
  test('a shell script prints its meta-variables back: method, SCRIPT_NAME, PATH_INFO, query', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/echo/a%20b?x=1&y=%26`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('GET\n/cgi-bin/echo\n/a b\nx=1&y=%26\n');
  });

  test("§4.2: a POST body is on the script's standard input, with CONTENT_LENGTH and CONTENT_TYPE", async () => {
    const base = await serve();
    const body = 'name=Ada&message=hello+world';
    const report = await reportOf(
      await get(`${base}/cgi-bin/inspect`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(Buffer.from(report.stdin, 'base64').toString()).toBe(body);
    expect(report.env).toMatchObject({
      REQUEST_METHOD: 'POST',
      CONTENT_LENGTH: String(body.length),
      CONTENT_TYPE: 'application/x-www-form-urlencoded',
    });
  });

  test('§4.2: a chunked body from node:http arrives decoded, CONTENT_LENGTH recalculated', async () => {
    const base = await serve();
    const pieces = [Buffer.from('first,'), Buffer.from([0, 1, 2, 255]), Buffer.from(',last')];
    const reply = await nodeRequest(Number(new URL(base).port), {
      method: 'PUT',
      path: '/cgi-bin/inspect',
      body: pieces,
    });
    const report = JSON.parse(reply.body.toString()) as Report;
    expect(Buffer.from(report.stdin, 'base64').equals(Buffer.concat(pieces))).toBe(true);
    expect(report.env.CONTENT_LENGTH).toBe(String(Buffer.concat(pieces).length));
  });

  test('the environment is built from scratch: a secret of the server never reaches the script', async () => {
    process.env.KATA32_DATABASE_PASSWORD = 'hunter2-secret';
    onTestFinished(() => {
      delete process.env.KATA32_DATABASE_PASSWORD;
    });
    const base = await serve();
    const { env } = await reportOf(await get(`${base}/cgi-bin/inspect/x?y=1`));
    expect(Object.values(env).join('\n')).not.toContain('hunter2-secret');
    for (const name of Object.keys(env)) {
      const known =
        name === 'PATH' ||
        name.startsWith('HTTP_') ||
        (RFC_3875_NAMES as readonly string[]).includes(name);
      expect(known, `${name} is no meta-variable`).toBe(true);
    }
  });

  test('a server with no PATH passes none: the script gets no PATH at all', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'kata32-'));
    onTestFinished(() => fs.rm(folder, { recursive: true, force: true }));
    const file = path.join(folder, 'keys.cgi');
    // node by its own path: with no PATH, "#!/usr/bin/env node" would find none
    const program = `process.stdout.write('Content-Type: application/json\\n\\n' + JSON.stringify(Object.keys(process.env)))`;
    await fs.writeFile(file, `#!${process.execPath}\n${program}\n`, { mode: 0o755 });
    await fs.writeFile(path.join(folder, 'package.json'), '{ "type": "commonjs" }\n');
    const saved = process.env.PATH;
    delete process.env.PATH;
    onTestFinished(() => {
      process.env.PATH = saved;
    });
    const base = await serve({ scripts: { '/keys': file } });
    const response = await get(`${base}/keys`);
    expect(await response.json()).not.toContain('PATH');
  });

  test('PATH is passed on, so "#!/usr/bin/env node" finds node', async () => {
    const base = await serve();
    expect((await reportOf(await get(`${base}/cgi-bin/inspect`))).env.PATH).toBe(process.env.PATH);
  });

  test('the meta-variables of the real connection: REMOTE_ADDR, SERVER_PORT, SERVER_NAME', async () => {
    const base = await serve();
    const { env } = await reportOf(await get(`${base}/cgi-bin/inspect`));
    expect(env).toMatchObject({
      REMOTE_ADDR: '127.0.0.1',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: new URL(base).port,
      SERVER_PROTOCOL: 'HTTP/1.1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SCRIPT_NAME: '/cgi-bin/inspect',
      QUERY_STRING: '',
    });
  });

  test('httpoxy: a Proxy field sent by node:http never becomes HTTP_PROXY', async () => {
    const base = await serve();
    const reply = await nodeRequest(Number(new URL(base).port), {
      path: '/cgi-bin/inspect',
      headers: { Proxy: 'http://attacker.test:3128' },
    });
    const { env } = JSON.parse(reply.body.toString()) as Report;
    expect(env).not.toHaveProperty('HTTP_PROXY');
    expect(Object.values(env)).not.toContain('http://attacker.test:3128');
  });

  test('no shell ever sees request data: $(…), ";" and backticks in the path and query stay text', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'kata32-'));
    onTestFinished(() => fs.rm(folder, { recursive: true, force: true }));
    const marker = path.join(folder, 'pwned');
    const command = `touch ${marker}`;
    const pathInfo = `/$(${command});${command};\`${command}\``;
    const query = `q=$(${command});${command};%60${command}%60`.replaceAll(' ', '%20');
    const target = `/cgi-bin/echo${pathInfo.split('/').map(encodeURIComponent).join('/')}?${query}`;
    const base = await serve();
    const response = await get(base + target);
    expect(await response.text()).toBe(`GET\n/cgi-bin/echo\n${pathInfo}\n${query}\n`);
    await expect(fs.access(marker), 'a shell ran the command in the request').rejects.toThrow();
  });

  test('RFC 9110 §9.3.2: HEAD runs the script and sends no body, the length of the GET', async () => {
    const base = await serve();
    const port = Number(new URL(base).port);
    const head = await nodeRequest(port, { method: 'HEAD', path: '/cgi-bin/echo' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(
      String(Buffer.byteLength('HEAD\n/cgi-bin/echo\n\n\n')),
    );
  });

  test('every response closes the connection (kata 27)', async () => {
    const base = await serve();
    const reply = await nodeRequest(Number(new URL(base).port), { path: '/cgi-bin/echo' });
    expect(reply.headers.connection).toBe('close');
  });

  test('output bigger than a pipe buffer (4 MiB) arrives whole', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/big`);
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-length')).toBe(String(4 * 1024 * 1024));
    expect(body.length).toBe(4 * 1024 * 1024);
    const expected = Buffer.alloc(body.length);
    for (let i = 0; i < expected.length; i++) expected[i] = i % 251;
    expect(body.equals(expected)).toBe(true);
  });

  test('a path under no script is 404; an encoded "/" in PATH_INFO is 400', async () => {
    const base = await serve();
    expect((await get(`${base}/nothing-here`)).status).toBe(404);
    expect((await get(`${base}/cgi-bin/echo/a%2Fb`)).status).toBe(400);
  });

  test('a refusal says why, as text: its reason is in the body', async () => {
    const base = await serve();
    const missing = await get(`${base}/nothing-here`);
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await missing.text()).toContain('no-script');
    expect(await (await get(`${base}/cgi-bin/echo/a%2Fb`)).text()).toContain('separator');
  });
});

describe("RFC 3875 §6.2: the script's response, as the client gets it", () => {
  async function answer(output: string, init: RequestInit = {}) {
    const base = await serve();
    return get(`${base}/cgi-bin/respond`, { method: 'POST', body: output, ...init });
  }

  test('§6.3.3: the Status and reason phrase become the status-line', async () => {
    const reply = await nodeRequest(Number(new URL(await serve()).port), {
      method: 'POST',
      path: '/cgi-bin/respond',
      body: 'Status: 418 Short And Stout\nContent-Type: text/plain\n\nteapot',
    });
    expect(reply.status).toBe(418);
    expect(reply.body.toString()).toBe('teapot');
  });

  test("§6.3.4: the script's fields reach the client; its Content-Length does not", async () => {
    const response = await answer(
      'Content-Type: text/plain\nX-Answer: 42\nContent-Length: 2\n\nhello',
    );
    expect(response.headers.get('x-answer')).toBe('42');
    expect(response.headers.get('content-length')).toBe('5');
    expect(await response.text()).toBe('hello');
  });

  test('§6.2.3: a client redirect is a 302 Found with the Location', async () => {
    const response = await answer('Location: http://example.test/elsewhere\n\n');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://example.test/elsewhere');
  });

  test('§6.2.4: a redirect with a document keeps its Status and its body', async () => {
    const response = await answer(
      'Status: 301 Moved Permanently\nLocation: http://example.test/new\nContent-Type: text/html\n\n<a href="http://example.test/new">moved</a>',
    );
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('http://example.test/new');
    expect(await response.text()).toContain('moved');
  });

  test('§6.2.2: a local redirect is answered by the server itself, as a GET with no body', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/redirect?/cgi-bin/inspect/there?from=redirect`, {
      method: 'POST',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-trace': 'kept' },
    });
    const { env, stdin } = await reportOf(response);
    expect(env).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '/cgi-bin/inspect',
      PATH_INFO: '/there',
      QUERY_STRING: 'from=redirect',
      HTTP_X_TRACE: 'kept',
    });
    expect(env).not.toHaveProperty('CONTENT_LENGTH');
    expect(env).not.toHaveProperty('CONTENT_TYPE');
    expect(stdin).toBe('');
  });

  test('§6.2.2: a chunked POST redirected is a GET with no body: no CONTENT_LENGTH', async () => {
    const base = await serve();
    const reply = await nodeRequest(Number(new URL(base).port), {
      method: 'POST',
      path: '/cgi-bin/redirect?/cgi-bin/inspect',
      body: [Buffer.from('a=1'), Buffer.from('&b=2')],
    });
    const { env } = JSON.parse(reply.body.toString()) as Report;
    expect(env.REQUEST_METHOD).toBe('GET');
    expect(env).not.toHaveProperty('CONTENT_LENGTH');
  });

  test('§6.2.2: a local redirect to a path with no script is the 404 of that path', async () => {
    const base = await serve();
    expect((await get(`${base}/cgi-bin/redirect?/nowhere`)).status).toBe(404);
  });

  test('local redirects that loop end after 10 with a 502, 11 runs in all', async () => {
    let runs = 0;
    const base = await serve({
      onStderr: (bytes) => {
        runs += Buffer.from(bytes).toString().split('run\n').length - 1;
      },
    });
    expect((await get(`${base}/cgi-bin/loop`)).status).toBe(502);
    expect(runs).toBe(11);
  });
});

describe("RFC 9110 §15.6: a script that fails is the server's 500, 502 or 504, and shows nothing", () => {
  test('RFC 9110 §15.6.3: output that is no CGI response is 502 Bad Gateway', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/respond`, {
      method: 'POST',
      body: 'this is not a header\n\n<html>SECRET-OUTPUT</html>',
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).not.toContain('SECRET-OUTPUT');
  });

  test('a script that crashes is 502: not half a document, nothing of its stderr, no file path', async () => {
    const said: Buffer[] = [];
    const base = await serve({ onStderr: (bytes) => said.push(Buffer.from(bytes)) });
    const response = await get(`${base}/cgi-bin/crash`);
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).not.toContain('first half');
    expect(text).not.toContain('SECRET-7f3a');
    expect(text).not.toContain(CGI_BIN);
    expect(Buffer.concat(said).toString()).toContain('SECRET-7f3a');
  });

  test('RFC 9110 §15.6.5: a script that hangs is killed after the timeout: 504, no process left', async () => {
    const said: Buffer[] = [];
    const base = await serve({
      timeoutMs: 300,
      onStderr: (bytes) => said.push(Buffer.from(bytes)),
    });
    const response = await get(`${base}/cgi-bin/hang`);
    expect(response.status).toBe(504);
    const pids = Buffer.concat(said).toString().trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    await allGone(pids);
  });

  test('a script that floods its standard error does not deadlock the server', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/flood`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('still here\n');
  });

  test('a script that cannot be started is 500, the path not shown', async () => {
    const base = await serve();
    const response = await get(`${base}/cgi-bin/missing`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('no-such-script');
  });

  test('the default deadline is long enough for a script that takes its time', async () => {
    const port = await listen(createCgiServer({ scripts: SCRIPTS }));
    const response = await get(`http://127.0.0.1:${port}/cgi-bin/echo`);
    expect(response.status).toBe(200);
  });
});

describe('the demo: a form answered by a CGI script (curl, fetch)', () => {
  const DEMO = { '/cgi-bin/form': FORM_SCRIPT };

  test('GET shows a form that posts back to the script', async () => {
    const base = await serve({ scripts: DEMO });
    const response = await get(`${base}/cgi-bin/form`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<form method="post" action="/cgi-bin/form">');
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl posts the form; the fields come back, escaped'),
    async () => {
      const base = await serve({ scripts: DEMO });
      const out = await curl([
        '--data-urlencode',
        'name=<b>Ada</b>',
        '--data-urlencode',
        'message=1 + 1 = 2',
        `${base}/cgi-bin/form`,
      ]);
      expect(out).toContain('<dd>&lt;b&gt;Ada&lt;/b&gt;</dd>');
      expect(out).toContain('<dd>1 + 1 = 2</dd>');
    },
  );

  test('fetch posts the form with URLSearchParams; the fields come back', async () => {
    const base = await serve({ scripts: DEMO });
    const response = await get(`${base}/cgi-bin/form`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Grace', message: 'é & ü' }),
    });
    const html = await response.text();
    expect(html).toContain('<dd>Grace</dd>');
    expect(html).toContain('<dd>é &amp; ü</dd>');
  });
});
