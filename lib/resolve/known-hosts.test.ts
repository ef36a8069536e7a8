import { describe, expect, it } from 'vitest';
import { parseKnownHosts } from './known-hosts';

describe('parseKnownHosts', () => {
  it('reads the documented format', () => {
    expect(parseKnownHosts('192.168.56.1=gw:router,192.168.2.10=legacy-db:host')).toEqual([
      { ip: '192.168.56.1', name: 'gw', kind: 'router' },
      { ip: '192.168.2.10', name: 'legacy-db', kind: 'host' },
    ]);
  });

  it('accepts whitespace and semicolons, defaults the kind to host, canonicalizes IPv6', () => {
    expect(parseKnownHosts(' 10.0.0.1=a ;\n FD00::0:1=b.example:router ')).toEqual([
      { ip: '10.0.0.1', name: 'a', kind: 'host' },
      { ip: 'fd00::1', name: 'b.example', kind: 'router' },
    ]);
    expect(parseKnownHosts(undefined)).toEqual([]);
    expect(parseKnownHosts('  ')).toEqual([]);
  });

  it('names the bad entry', () => {
    expect(() => parseKnownHosts('192.168.56.1=gw:switch')).toThrow(/"192.168.56.1=gw:switch"/);
    expect(() => parseKnownHosts('gw=192.168.56.1')).toThrow(/IP=NAME/);
    expect(() => parseKnownHosts('192.168.56.1=')).toThrow(/IP=NAME/);
    expect(() => parseKnownHosts('192.168.56.1=gw:router:x')).toThrow(/IP=NAME/);
    expect(() => parseKnownHosts('10.0.0.1=a,10.0.0.1=b')).toThrow(/named twice/);
  });
});
