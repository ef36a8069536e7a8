/**
 * A throwaway certificate authority and serving certificate for the emulator. kubectl (clientcmd)
 * sends a kubeconfig's credentials only over TLS, so the emulator must speak HTTPS; Node can sign
 * but has no X.509 builder, hence the small DER writer below.
 */
import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { isIP } from 'node:net';

export interface ServingCertificate {
  /** PEM of the CA that signed the serving certificate (kubeconfig certificate-authority-data). */
  caPem: string;
  certPem: string;
  keyPem: string;
}

// ---------------------------------------------------------------- DER

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, body: Buffer) =>
  Buffer.concat([Buffer.from([tag]), length(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);

function integer(b: Buffer): Buffer {
  let bytes = b;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1] ?? 0) < 0x80) bytes = bytes.subarray(1);
  if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] ?? 0) | 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  // UTCTime until 2049, GeneralizedTime from 2050 on (RFC 5280 4.1.2.5).
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2)))
    : tlv(0x18, Buffer.from(iso));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** keyUsage bits, numbered as RFC 5280 names them (0 = digitalSignature). */
function keyUsage(bits: number[]): Buffer {
  let value = 0;
  for (const b of bits) value |= 0x80 >> b;
  return tlv(0x03, Buffer.from([7 - Math.max(...bits), value]));
}

function subjectAltName(hosts: string[]): Buffer {
  const names = hosts.map((h) => {
    if (isIP(h) === 4) return tlv(0x87, Buffer.from(h.split('.').map(Number)));
    if (isIP(h) === 6) return tlv(0x87, ipv6Bytes(h));
    return tlv(0x82, Buffer.from(h, 'ascii'));
  });
  return seq(...names);
}

function ipv6Bytes(ip: string): Buffer {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

interface CertInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  ca: boolean;
  hosts?: string[];
  subjectKeyId: Buffer;
  authorityKeyId: Buffer;
}

function certificate(c: CertInput): string {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 10 * 365 * 24 * 60 * 60 * 1000);
  const extensions = [
    extension('2.5.29.15', true, c.ca ? keyUsage([0, 5, 6]) : keyUsage([0, 2])),
    extension('2.5.29.19', true, c.ca ? seq(bool(true)) : seq()),
    extension('2.5.29.14', false, octets(c.subjectKeyId)),
    extension('2.5.29.35', false, seq(tlv(0x80, c.authorityKeyId))),
  ];
  if (!c.ca) {
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    extensions.push(extension('2.5.29.17', false, subjectAltName(c.hosts ?? [])));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    ecdsaWithSha256,
    name(c.issuer),
    seq(time(notBefore), time(notAfter)),
    name(c.subject),
    spki(c.publicKey),
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, c.signingKey);
  const der = seq(tbs, ecdsaWithSha256, bitString(signature));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/** A fresh CA and a serving certificate for `hosts` (IP addresses and DNS names) signed by it. */
export function createServingCertificate(hosts: string[]): ServingCertificate {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeyId = randomBytes(20);
  const caPem = certificate({
    subject: 'kubernetes-emulator-ca',
    issuer: 'kubernetes-emulator-ca',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    ca: true,
    subjectKeyId: caKeyId,
    authorityKeyId: caKeyId,
  });
  const certPem = certificate({
    subject: 'kube-apiserver',
    issuer: 'kubernetes-emulator-ca',
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    ca: false,
    hosts: [...new Set(hosts)],
    subjectKeyId: randomBytes(20),
    authorityKeyId: caKeyId,
  });
  const keyPem = createPrivateKey(leaf.privateKey.export({ type: 'pkcs8', format: 'pem' })).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  return { caPem, certPem, keyPem };
}
