/**
 * One server of `npm run bench:server`, in a process of its own so that the load generator
 * never shares its event loop: `tsx support/bench/serve-one.ts kata|node:http`. It prints the
 * port it listens on (127.0.0.1), then serves until it is killed.
 */
import type net from 'node:net';
import { helloServer, SERVERS, type ServerName } from './hello-servers.ts';

const name = process.argv[2] ?? '';
if (!(SERVERS as readonly string[]).includes(name)) {
  process.stderr.write(
    `serve-one: no server named ${JSON.stringify(name)}: ${SERVERS.join(', ')}\n`,
  );
  process.exit(2);
}
const server = helloServer(name as ServerName);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
