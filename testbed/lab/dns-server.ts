/**
 * The lab's cluster DNS server, run as its own process inside the CoreDNS pod's network
 * namespace (a Node process cannot open sockets in another network namespace). It answers on
 * UDP and TCP port 53 of the pod's address (PODPATH_DNS_ADDRESS, PODPATH_DNS_PORT), takes its
 * records as JSON lines on stdin (`{"records": {...}}`), prints `ready` once bound, and exits
 * when stdin closes, so it never outlives the lab that started it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import readline from 'node:readline';
import { answer, type DnsRecords } from './dns-records';
import { buildResponse, parseQuery, RCODE_FORMERR, RCODE_NOTIMP } from './dns-wire';

let records: DnsRecords = {};

/** The response to one wire message, or null when it is not worth answering. */
function respond(msg: Buffer): Buffer | null {
  const query = parseQuery(msg);
  if (!query) return null;
  if (query.flags & 0x8000) return null; // a response, not a query
  if (!query.question) return buildResponse(query, RCODE_FORMERR);
  if ((query.flags & 0x7800) !== 0) return buildResponse(query, RCODE_NOTIMP);
  const result = answer(records, query.question.name, query.question.type);
  // CoreDNS's loadbalance plugin shuffles A records; clients then spread over headless pods.
  const shuffled = [...result.addresses].sort(() => Math.random() - 0.5);
  return buildResponse(query, result.rcode, shuffled);
}

function main(): void {
  const port = Number(process.env.PODPATH_DNS_PORT ?? 53);
  const address = process.env.PODPATH_DNS_ADDRESS ?? '0.0.0.0';
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const out = respond(msg);
    if (out) udp.send(out, rinfo.port, rinfo.address, () => undefined);
  });
  const tcp = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const out = respond(pending.subarray(2, 2 + len));
        pending = pending.subarray(2 + len);
        if (out) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length, 0);
          socket.write(Buffer.concat([prefix, out]));
        }
      }
    });
    socket.on('error', () => socket.destroy());
  });
  let bound = 0;
  const ready = () => {
    bound += 1;
    if (bound === 2) process.stdout.write('ready\n');
  };
  // Not being able to bind (the pod's address missing, the port taken) ends the server; later
  // socket errors (a client gone) do not.
  const fail = (e: Error) => {
    if (bound === 2) return;
    process.stderr.write(`dns-server: cannot listen on ${address}:${port}: ${e.message}\n`);
    process.exit(1);
  };
  udp.on('error', fail);
  tcp.on('error', fail);
  udp.bind(port, address, ready);
  tcp.listen(port, address, ready);

  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as { records?: DnsRecords };
      if (parsed.records) {
        records = parsed.records;
        process.stdout.write('synced\n');
      }
    } catch {
      process.stderr.write(`dns-server: ignoring malformed line\n`);
    }
  });
  input.on('close', () => process.exit(0));
}

main();
