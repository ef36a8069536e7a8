/**
 * PODPATH_KNOWN_HOSTS: outside machines the user names so that traces can say "router gw"
 * instead of an address. Format: `IP=NAME[:router|host]`, separated by commas, semicolons or
 * whitespace, e.g. `192.168.56.1=gw:router,192.168.2.10=legacy-db:host`.
 */
import { canonicalIp } from './ip';
import type { KnownHost } from './types';

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$/;

/**
 * Parses the PODPATH_KNOWN_HOSTS value; undefined or blank gives an empty list. The kind
 * defaults to `host`. Throws an Error naming the first malformed or repeated entry, because a
 * mistyped address would otherwise silently leave a router unnamed.
 */
export function parseKnownHosts(text: string | undefined): KnownHost[] {
  if (text === undefined) return [];
  const hosts: KnownHost[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(/[\s,;]+/).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const address = eq > 0 ? canonicalIp(entry.slice(0, eq)) : null;
    const [name = '', kind = 'host', ...extra] = entry.slice(eq + 1).split(':');
    if (!address || !NAME.test(name) || (kind !== 'router' && kind !== 'host') || extra.length) {
      throw new Error(
        `PODPATH_KNOWN_HOSTS: "${entry}" is not IP=NAME[:router|host] (e.g. 192.168.56.1=gw:router)`,
      );
    }
    if (seen.has(address)) throw new Error(`PODPATH_KNOWN_HOSTS: ${address} is named twice`);
    seen.add(address);
    hosts.push({ ip: address, name, kind });
  }
  return hosts;
}
