/**
 * Just enough of the DNS wire format (RFC 1035) for the lab's cluster DNS: parse a query's
 * first question, answer it with A records, NODATA or NXDOMAIN. Pure functions on Buffers.
 */

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsQuery {
  id: number;
  flags: number;
  question: DnsQuestion | null;
  /** Bytes of the question section as received, echoed in the answer. */
  questionBytes: Buffer;
}

/** Parses a query; returns null when the message is too short or its name is malformed. */
export function parseQuery(msg: Buffer): DnsQuery | null {
  if (msg.length < 12) return null;
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qdcount = msg.readUInt16BE(4);
  if (qdcount === 0) return { id, flags, question: null, questionBytes: Buffer.alloc(0) };
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    if (offset >= msg.length) return null;
    const len = msg[offset]!;
    if (len === 0) {
      offset += 1;
      break;
    }
    // Compression pointers never appear in a query's first name.
    if (len > 63 || offset + 1 + len > msg.length) return null;
    labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('latin1'));
    offset += 1 + len;
  }
  if (offset + 4 > msg.length) return null;
  const question = {
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(offset),
    class: msg.readUInt16BE(offset + 2),
  };
  return { id, flags, question, questionBytes: msg.subarray(12, offset + 4) };
}

/** Encodes a query for `name` (used by tests and by the lab's readiness check). */
export function encodeQuery(id: number, name: string, type = TYPE_A): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const out: Buffer[] = parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([...out, Buffer.from([0])]);
}

/**
 * Builds a response: A records for `addresses` (each pointing at the question name through a
 * compression pointer), an authority-less NODATA when `addresses` is empty and rcode is 0.
 */
export function buildResponse(
  query: DnsQuery,
  rcode: number,
  addresses: string[] = [],
  ttl = 5,
): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR, opcode copied, AA, RD copied, RA.
  const opcode = query.flags & 0x7800;
  const rd = query.flags & 0x0100;
  header.writeUInt16BE(0x8000 | opcode | 0x0400 | rd | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(query.question ? 1 : 0, 4);
  header.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question at offset 12
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    return rr;
  });
  return Buffer.concat([header, query.questionBytes, ...answers]);
}

/** Reads the A addresses of a response (tests and readiness check). */
export function parseAnswerAddresses(msg: Buffer): { rcode: number; addresses: string[] } {
  const rcode = msg.readUInt16BE(2) & 0xf;
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let offset = 12;
  const skipName = () => {
    for (;;) {
      const len = msg[offset]!;
      if ((len & 0xc0) === 0xc0) {
        offset += 2;
        return;
      }
      offset += 1 + len;
      if (len === 0) return;
    }
  };
  for (let i = 0; i < qd; i++) {
    skipName();
    offset += 4;
  }
  const addresses: string[] = [];
  for (let i = 0; i < an; i++) {
    skipName();
    const type = msg.readUInt16BE(offset);
    const rdlen = msg.readUInt16BE(offset + 8);
    if (type === TYPE_A && rdlen === 4) {
      addresses.push([...msg.subarray(offset + 10, offset + 14)].join('.'));
    }
    offset += 10 + rdlen;
  }
  return { rcode, addresses };
}
