import { describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../lib/resolve/known-hosts';
import { knownHosts } from './demo-cluster';
import { demoScenario } from './scenarios/demo';
import { k3sScenario } from './scenarios/k3s';

describe('the demo cluster names its outside machines for PODPATH_KNOWN_HOSTS', () => {
  it('lists every leg of the router and the outside host, in a form podpath parses', () => {
    expect(parseKnownHosts(knownHosts(demoScenario))).toEqual([
      { ip: '192.168.56.1', name: 'gw', kind: 'router' },
      { ip: '192.168.2.1', name: 'gw', kind: 'router' },
      { ip: '192.168.2.10', name: 'legacy-db', kind: 'host' },
    ]);
    expect(parseKnownHosts(knownHosts(k3sScenario)).map((h) => h.ip)).toEqual([
      '192.168.1.1',
      '192.168.2.1',
      '192.168.2.10',
    ]);
  });
});
