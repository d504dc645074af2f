/**
 * The manifest: every kata that exists, in unlock order. Nothing else lists katas.
 * A kata's folder is katas/NN-slug; its modules are the files the learner edits,
 * each with a reference twin in support/solutions/NN-slug/. Hints are not here:
 * they live once, in the lesson's "## Hints" section.
 */
export interface Kata {
  readonly number: number;
  readonly slug: string;
  readonly title: string;
  /** The files the learner writes, relative to the kata's folder. */
  readonly modules: readonly string[];
  /** For `--serve`: the module and the export that builds the learner's server. */
  readonly serve?: Serve;
  /**
   * For `--measure`: a given module of the kata's folder (not one the learner writes) whose
   * `main(argv)` measures with the learner's code and prints a report.
   */
  readonly measure?: string;
}

/** How `--serve` starts a kata's server, and the client the runner suggests for it. */
export interface Serve {
  readonly module: string;
  readonly factory: string;
  /**
   * `nc` for a plain TCP protocol, `nc -C` where lines end in CRLF, `dig` for a DNS server (UDP),
   * `curl` for an HTTP server.
   */
  readonly client: 'nc' | 'nc -C' | 'dig' | 'curl';
  /** What the factory is called with: kata 09's zone, kata 28's root folder. */
  readonly args?: readonly unknown[];
  /** The request-target the suggested `curl` asks for, `/` when left out. */
  readonly target?: string;
}

/** The zone `--serve` gives kata 09's server: a name of RFC 6761's .test, one record of each type. */
const DEMO_ZONE = {
  'example.test': {
    A: ['192.0.2.1'],
    AAAA: ['2001:db8::1'],
    MX: [{ preference: 10, exchange: 'mail.example.test' }],
  },
  'mail.example.test': { A: ['192.0.2.25'] },
};

export const KATAS: readonly Kata[] = [
  {
    number: 1,
    slug: 'resolve-a-hostname',
    title: 'Resolve a hostname',
    modules: ['hosts.ts'],
  },
  {
    number: 2,
    slug: 'ip-addresses',
    title: 'IP addresses',
    modules: ['ip-address.ts'],
  },
  {
    number: 3,
    slug: 'echo-server',
    title: 'An echo server',
    modules: ['echo-server.ts'],
    serve: { module: 'echo-server.ts', factory: 'createEchoServer', client: 'nc' },
  },
  {
    number: 4,
    slug: 'echo-client',
    title: 'An echo client',
    modules: ['echo-client.ts'],
  },
  {
    number: 5,
    slug: 'line-protocol',
    title: 'A line protocol',
    modules: ['line-protocol.ts'],
    serve: { module: 'line-protocol.ts', factory: 'createCalcServer', client: 'nc' },
  },
  {
    number: 6,
    slug: 'dns-query',
    title: 'A DNS query',
    modules: ['query.ts'],
  },
  {
    number: 7,
    slug: 'dns-response',
    title: 'A DNS response',
    modules: ['message.ts'],
  },
  {
    number: 8,
    slug: 'dns-resolver',
    title: 'A DNS resolver',
    modules: ['resolver.ts'],
  },
  {
    number: 9,
    slug: 'dns-server',
    title: 'A DNS server',
    modules: ['dns-server.ts'],
    serve: {
      module: 'dns-server.ts',
      factory: 'createDnsServer',
      client: 'dig',
      args: [DEMO_ZONE],
    },
  },
  {
    number: 10,
    slug: 'sntp-client',
    title: 'An SNTP client',
    modules: ['sntp.ts'],
  },
  {
    number: 11,
    slug: 'smtp-client',
    title: 'An SMTP client',
    modules: ['smtp-client.ts'],
  },
  {
    number: 12,
    slug: 'smtp-server',
    title: 'An SMTP server',
    modules: ['smtp-server.ts'],
    serve: { module: 'smtp-server.ts', factory: 'createSmtpServer', client: 'nc -C' },
  },
  {
    number: 13,
    slug: 'many-clients',
    title: 'Many clients',
    modules: ['slow-server.ts'],
    serve: { module: 'slow-server.ts', factory: 'createSlowServer', client: 'nc' },
  },
  {
    number: 14,
    slug: 'worker-threads',
    title: 'Worker threads',
    modules: ['hash-server.ts'],
    serve: { module: 'hash-server.ts', factory: 'createHashServer', client: 'nc' },
  },
  {
    number: 15,
    slug: 'prefork-processes',
    title: 'Prefork processes',
    modules: ['prefork.ts'],
  },
  {
    number: 16,
    slug: 'parse-a-url',
    title: 'Parse a URL',
    modules: ['uri-reference.ts'],
  },
  {
    number: 17,
    slug: 'parse-a-request-line',
    title: 'Parse a request-line',
    modules: ['request-line.ts'],
  },
  {
    number: 18,
    slug: 'header-fields',
    title: 'Header fields',
    modules: ['header-fields.ts'],
  },
  {
    number: 19,
    slug: 'message-body',
    title: 'The message body',
    modules: ['message-body.ts'],
  },
  {
    number: 20,
    slug: 'serialize-a-response',
    title: 'Serialize a response',
    modules: ['response.ts'],
  },
  {
    number: 21,
    slug: 'http-get',
    title: 'An HTTP client',
    modules: ['http-get.ts'],
  },
  {
    number: 22,
    slug: 'follow-redirects',
    title: 'Follow redirects',
    modules: ['redirects.ts'],
  },
  {
    number: 23,
    slug: 'keep-alive-client',
    title: 'A keep-alive client',
    modules: ['agent.ts'],
  },
  {
    number: 24,
    slug: 'crawl-web-pages',
    title: 'Crawl web pages',
    modules: ['robots.ts', 'crawl.ts'],
  },
  {
    number: 25,
    slug: 'extract-information',
    title: 'Extract information',
    modules: ['html-tokenizer.ts', 'extract.ts'],
  },
  {
    number: 26,
    slug: 'submit-forms',
    title: 'Submit forms',
    modules: ['form-data.ts'],
  },
  {
    number: 27,
    slug: 'hello-server',
    title: 'A hello server',
    modules: ['server.ts', 'hello-server.ts'],
    serve: { module: 'hello-server.ts', factory: 'createHelloServer', client: 'curl' },
  },
  {
    number: 28,
    slug: 'serve-static-files',
    title: 'Serve static files',
    modules: ['static-files.ts'],
    serve: {
      module: 'static-files.ts',
      factory: 'createStaticServer',
      client: 'curl',
      // relative to the repository root, where npm run kata runs
      args: [{ root: 'katas/28-serve-static-files/public' }],
      // kata 28 serves files; a folder's index.html is kata 29's
      target: '/index.html',
    },
  },
  {
    number: 29,
    slug: 'directory-listing',
    title: 'Directory listings',
    modules: ['directory-listing.ts'],
    serve: {
      module: 'directory-listing.ts',
      factory: 'createDirectoryServer',
      client: 'curl',
      // relative to the repository root: a folder with no index.html (listed), a folder
      // with one (site/), names that need escaping and encoding
      args: [{ root: 'katas/29-directory-listing/public' }],
      target: '/',
    },
  },
  {
    number: 30,
    slug: 'conditional-and-range',
    title: 'Conditional and range requests',
    modules: ['preconditions.ts', 'ranges.ts', 'conditional-files.ts'],
    serve: {
      module: 'conditional-files.ts',
      factory: 'createConditionalServer',
      client: 'curl',
      // kata 28's demo folder, now with ETag, Last-Modified and ranges
      args: [{ root: 'katas/28-serve-static-files/public' }],
      target: '/index.html',
    },
  },
  {
    number: 31,
    slug: 'persistent-connections',
    title: 'Persistent connections',
    modules: ['connection.ts'],
    serve: {
      module: 'connection.ts',
      factory: 'createPersistentStaticServer',
      client: 'curl',
      // kata 28's demo folder and handler, every file of a page on one connection
      args: [{ root: 'katas/28-serve-static-files/public' }],
      target: '/index.html',
    },
  },
  {
    number: 32,
    slug: 'run-a-cgi-script',
    title: 'Run a CGI script',
    modules: ['cgi.ts'],
    serve: {
      module: 'cgi.ts',
      factory: 'createCgiServer',
      client: 'curl',
      // relative to the repository root: a form that a browser can submit
      args: [{ scripts: { '/cgi-bin/form': 'katas/32-run-a-cgi-script/cgi-bin/form.cgi' } }],
      target: '/cgi-bin/form',
    },
  },
  {
    number: 33,
    slug: 'gateway-apps',
    title: 'Apps on the gateway interface',
    // gateway.ts (the interface) is given; the apps are the learner's
    modules: ['apps.ts'],
  },
  {
    number: 34,
    slug: 'implement-the-gateway-interface',
    title: 'Implement the gateway interface',
    modules: ['gateway-server.ts'],
    serve: {
      module: 'gateway-server.ts',
      // kata 33's debug app: the environ it was given, then the body echoed
      factory: 'serveDebug',
      client: 'curl',
      target: '/hello?name=Ada',
    },
  },
  {
    number: 35,
    slug: 'fetch-gateway',
    title: 'The Fetch shape on the gateway',
    modules: ['fetch-gateway.ts'],
  },
  {
    number: 36,
    slug: 'middleware',
    title: 'Middleware',
    modules: ['middleware.ts', 'compress.ts'],
  },
  {
    number: 37,
    slug: 'routing',
    title: 'Routing',
    modules: ['routing.ts'],
  },
  {
    number: 38,
    slug: 'query-strings',
    title: 'Query strings',
    modules: ['query-string.ts'],
  },
  {
    number: 39,
    slug: 'request-object',
    title: 'The request object',
    modules: ['request.ts'],
  },
  {
    number: 40,
    slug: 'cookies',
    title: 'Cookies',
    modules: ['cookie.ts'],
  },
  {
    number: 41,
    slug: 'sessions-with-signed-cookies',
    title: 'Sessions with signed cookies',
    modules: ['sessions.ts'],
  },
  {
    number: 42,
    slug: 'rest-resource',
    title: 'A REST resource',
    modules: ['rest.ts'],
    serve: { module: 'rest.ts', factory: 'serveNotes', client: 'curl', target: '/notes' },
  },
  {
    number: 43,
    slug: 'load-balancer',
    title: 'A load balancer',
    modules: ['balancer.ts'],
  },
  {
    number: 44,
    slug: 'measure-your-server',
    title: 'Measure your server',
    modules: ['load-test.ts'],
    measure: 'measure.ts',
  },
];

/** katas/NN-slug: the folder name of a kata. */
export function folderOf(kata: Kata): string {
  return `${String(kata.number).padStart(2, '0')}-${kata.slug}`;
}

export function findKata(number: number): Kata | undefined {
  return KATAS.find((kata) => kata.number === number);
}
