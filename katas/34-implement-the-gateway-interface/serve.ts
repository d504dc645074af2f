/**
 * The command line, like gunicorn's `gunicorn module:app`: serves the app a file exports, on
 * your server (./gateway-server.ts), on 127.0.0.1.
 *
 *   npx tsx katas/34-implement-the-gateway-interface/serve.ts katas/33-gateway-apps/apps.ts:hello 8034
 *   curl -i 'http://127.0.0.1:8034/?name=Ada'
 *
 * The port is optional (0: any free one). Ctrl-C stops it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from '../33-gateway-apps/gateway.ts';
import { appSpec, serveGateway, USAGE } from './gateway-server.ts';

const [target = '', port = '0'] = process.argv.slice(2);
let spec: ReturnType<typeof appSpec>;
try {
  spec = appSpec(target);
} catch {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const module = (await import(pathToFileURL(path.resolve(spec.module)).href)) as Record<
  string,
  unknown
>;
const app = module[spec.name];
if (typeof app !== 'function') {
  process.stderr.write(`${spec.module} exports no function ${JSON.stringify(spec.name)}\n`);
  process.exit(2);
}
const server = serveGateway(app as App);
server.listen(Number(port), '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`serving ${spec.module}:${spec.name} on http://127.0.0.1:${bound}/\n`);
});
