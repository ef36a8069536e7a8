/** What a DNS lookup probe printed, reduced to the answer. */
export interface DnsAnswer {
  /** Addresses of the name, in the order printed (IPv4 before IPv6 as nslookup prints them). */
  addresses: string[];
  /** Why there is no answer (`NXDOMAIN`, `SERVFAIL`, `timed out`), when the output says. */
  error: string | null;
  /** The output was a lookup's: addresses, or a failure the resolver reported. */
  understood: boolean;
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f:]+:[0-9a-f:.]*$/i;

/**
 * Reads `nslookup NAME` output of bind's nslookup (podpath's probe image) and busybox. Both
 * print the server first (`Server:` / `Address: 10.96.0.10#53`), then per answer `Name:`
 * followed by `Address: A` (busybox 1.2x: `Address 1: A name`), so only addresses after the
 * first `Name:` line are the answer's.
 */
export function parseNslookup(text: string): DnsAnswer {
  const addresses: string[] = [];
  let inAnswer = false;
  let error: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^Name:/i.test(line)) {
      inAnswer = true;
      continue;
    }
    const failure =
      /\b(NXDOMAIN|SERVFAIL|REFUSED)\b/i.exec(line) ??
      /(connection timed out|no servers could be reached|can't resolve|can't find)/i.exec(line);
    if (failure && !error) error = failure[1] ?? line;
    if (!inAnswer) continue;
    const m = /^Address(?:\s+\d+)?:\s*(\S+)/i.exec(line);
    const addr = m?.[1]?.replace(/#\d+$/, '');
    if (addr && (IPV4.test(addr) || IPV6.test(addr)) && !addresses.includes(addr)) {
      addresses.push(addr);
    }
  }
  if (addresses.length > 0) return { addresses, error: null, understood: true };
  return { addresses, error: error ?? 'no address in the answer', understood: error !== null };
}
