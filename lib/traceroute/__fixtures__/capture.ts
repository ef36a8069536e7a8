/**
 * Regenerates the captured traceroute fixtures: real output of each tool, run inside lab
 * network namespaces only.
 *
 *   sudo npx tsx lib/traceroute/__fixtures__/capture.ts            # all fixtures
 *   sudo npx tsx lib/traceroute/__fixtures__/capture.ts mtr-s5 ... # only these
 *
 * then `UPDATE_GOLDEN=1 npx vitest run lib/traceroute` and review the goldens by eye.
 *
 * Two places to run in, both torn down before the script ends (also on Ctrl-C):
 *
 * - `demo`: the network lab of the demo cluster (testbed/lab, `startLab(demoScenario)`), for
 *   scenarios S1 (web-client -> httpd 10.244.1.3, three hops), S1b (nginx -> httpd, one hop)
 *   and S5 (web-client -> legacy-db 192.168.2.10: `*` after the first hop). Its DNS answers PTR
 *   queries with NXDOMAIN, so tools that resolve names print addresses.
 * - `mini`: a dual-stack chain of our own namespaces (`pptr-<hex>-*`, documentation prefixes
 *   only), for what the demo cluster cannot show: two equal-cost paths (several responders on
 *   one hop), names from an /etc/netns hosts file, IPv6, and ICMP errors for each annotation.
 *
 *     c 192.0.2.2 -- r1 -+- r2a -+- r3 -- t 203.0.113.10 (link r3-t has MTU 1280)
 *       2001:db8:1::2    +- r2b -+        2001:db8:4::10
 *
 *   On r3: 203.0.113.9 is on-link but nobody has it (ARP fails: !H); 203.0.113.64 has no route
 *   (!N); 203.0.113.13 has a `prohibit` route (admin prohibited); 203.0.113.14 is REJECTed with
 *   icmp-host-prohibited; 2001:db8:4::13 has a `prohibit` route; 2001:db8:4::14 and ::15 are
 *   REJECTed with icmp6-policy-fail and icmp6-reject-route (codes 5 and 6: `!<5>`, `!<6>`).
 *
 * Each fixture is the command's stdout and stderr as a terminal shows them (`2>&1`).
 * `captured.json` records where, how and when each one was made. Needs root (see testbed/lab).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports -- fixture capture is test tooling run by hand; the parsers never import the lab
import { startLab, type ExecTarget, type Lab } from '../../../testbed/lab';
// eslint-disable-next-line no-restricted-imports -- same: the demo cluster's description for the lab
import { demoScenario } from '../../../testbed/scenarios/demo';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const WEB_CLIENT: ExecTarget = { pod: { namespace: 'default', name: 'web-client' } };
const NGINX: ExecTarget = { pod: { namespace: 'default', name: 'nginx' } };
const TR = '/usr/bin/traceroute';
const INET = '/usr/bin/inetutils-traceroute';

interface Fixture {
  name: string;
  where: 'demo' | 'mini';
  /** For demo: where in the lab; mini fixtures always run in the client namespace. */
  target?: ExecTarget;
  argv: string[];
  /** Run again (up to 5 times) until the output shows this, for fixtures about ECMP. */
  until?: RegExp;
}

const S1 = '10.244.1.3';
const S5 = '192.168.2.10';

const FIXTURES: Fixture[] = [
  // busybox traceroute, what kubectl exec into the busybox web-client runs.
  {
    name: 'busybox-s1',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['busybox', 'traceroute', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'busybox-s1-n',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'busybox-s1-icmp',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['busybox', 'traceroute', '-n', '-I', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'busybox-s1b',
    where: 'demo',
    target: NGINX,
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'busybox-s5',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '1', '-m', '6', S5],
  },
  // Debian's traceroute ("modern traceroute for Linux"): UDP, ICMP and TCP as root.
  {
    name: 'traceroute-s1',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [TR, '-q', '3', '-w', '1', S1],
  },
  {
    name: 'traceroute-s1-n',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [TR, '-n', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'traceroute-s1-icmp',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [TR, '-n', '-I', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'traceroute-s1-tcp',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [TR, '-n', '-T', '-p', '80', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'traceroute-s1b',
    where: 'demo',
    target: NGINX,
    argv: [TR, '-n', '-q', '3', '-w', '1', S1],
  },
  {
    name: 'traceroute-s5',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [TR, '-n', '-q', '3', '-w', '1', '-m', '6', S5],
  },
  {
    name: 'traceroute-s5-node',
    where: 'demo',
    target: { node: 'node-2' },
    argv: [TR, '-n', '-q', '3', '-w', '1', S5],
  },
  // GNU inetutils traceroute.
  {
    name: 'inetutils-s1',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [INET, '-q', '3', '-w', '1', S1],
  },
  {
    name: 'inetutils-s1-resolve',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [INET, '--resolve-hostnames', '-q', '3', '-w', '1', S1],
  },
  { name: 'inetutils-s1b', where: 'demo', target: NGINX, argv: [INET, '-q', '3', '-w', '1', S1] },
  {
    name: 'inetutils-s5',
    where: 'demo',
    target: WEB_CLIENT,
    argv: [INET, '-q', '3', '-w', '1', '-m', '6', S5],
  },
  // mtr --report.
  {
    name: 'mtr-s1-n',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['mtr', '--report', '-c', '2', '-n', S1],
  },
  { name: 'mtr-s1', where: 'demo', target: WEB_CLIENT, argv: ['mtr', '--report', '-c', '2', S1] },
  { name: 'mtr-s1b', where: 'demo', target: NGINX, argv: ['mtr', '--report', '-c', '2', '-n', S1] },
  {
    name: 'mtr-s5',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['mtr', '--report', '-c', '2', '-n', S5],
  },
  {
    name: 'mtr-s1-columns',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['mtr', '--report', '-c', '2', '-n', '-o', 'LDRSNBAWVGJMXI', S1],
  },
  {
    name: 'mtr-s1-asn',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['mtr', '--report', '-c', '2', '-n', '-z', S1],
  },
  // tracepath.
  { name: 'tracepath-s1-n', where: 'demo', target: WEB_CLIENT, argv: ['tracepath', '-n', S1] },
  { name: 'tracepath-s1-b', where: 'demo', target: WEB_CLIENT, argv: ['tracepath', '-b', S1] },
  { name: 'tracepath-s1b', where: 'demo', target: NGINX, argv: ['tracepath', '-n', S1] },
  {
    name: 'tracepath-s5',
    where: 'demo',
    target: WEB_CLIENT,
    argv: ['tracepath', '-n', '-m', '6', S5],
  },

  // First to 203.0.113.10 with DF set, before the kernel caches the path MTU of the last link.
  { name: 'tracepath-pmtu', where: 'mini', argv: ['tracepath', '-n', '203.0.113.10'] },
  // Several responders on one hop (r2a and r2b share the load).
  {
    name: 'traceroute-ecmp-n',
    where: 'mini',
    argv: [TR, '-n', '-q', '4', '-w', '1', '203.0.113.10'],
    until: /^ 2 .*198\.51\.100\.2 .*198\.51\.100\.6|^ 2 .*198\.51\.100\.6 .*198\.51\.100\.2/m,
  },
  {
    name: 'mtr-ecmp',
    where: 'mini',
    argv: ['mtr', '--report', '-c', '6', '-n', '-u', '203.0.113.10'],
    until: /^\s+198\.51\.100\.\d+\s*$/m,
  },
  // Names with addresses (from the client's /etc/netns hosts file).
  { name: 'traceroute-names', where: 'mini', argv: [TR, '-q', '3', '-w', '1', 'target.mini.test'] },
  {
    name: 'busybox-names',
    where: 'mini',
    argv: ['busybox', 'traceroute', '-q', '3', '-w', '1', 'target.mini.test'],
  },
  {
    name: 'inetutils-names',
    where: 'mini',
    argv: [INET, '--resolve-hostnames', '-q', '3', '-w', '1', 'target.mini.test'],
  },
  { name: 'mtr-names', where: 'mini', argv: ['mtr', '--report', '-c', '2', 'target.mini.test'] },
  {
    name: 'mtr-names-b',
    where: 'mini',
    argv: ['mtr', '--report', '-c', '2', '-b', 'target.mini.test'],
  },
  {
    name: 'mtr-names-wide-b',
    where: 'mini',
    argv: ['mtr', '--report-wide', '-c', '2', '-b', 'target.mini.test'],
  },
  // Annotations: ICMP errors from r3.
  {
    name: 'traceroute-host-unreachable',
    where: 'mini',
    argv: [TR, '-n', '-q', '3', '-w', '2', '203.0.113.9'],
  },
  {
    name: 'traceroute-net-unreachable',
    where: 'mini',
    argv: [TR, '-n', '-q', '3', '-w', '1', '203.0.113.64'],
  },
  {
    name: 'traceroute-prohibited',
    where: 'mini',
    argv: [TR, '-n', '-q', '3', '-w', '1', '203.0.113.13'],
  },
  {
    name: 'traceroute-host-prohibited',
    where: 'mini',
    argv: [TR, '-n', '-q', '3', '-w', '1', '203.0.113.14'],
  },
  {
    name: 'traceroute-frag-needed',
    where: 'mini',
    argv: [TR, '-n', '-F', '-q', '2', '-w', '1', '203.0.113.10', '1400'],
  },
  {
    name: 'busybox-host-unreachable',
    where: 'mini',
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '3', '203.0.113.9'],
  },
  {
    name: 'busybox-prohibited',
    where: 'mini',
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '1', '203.0.113.13'],
  },
  {
    name: 'busybox-host-prohibited',
    where: 'mini',
    argv: ['busybox', 'traceroute', '-n', '-q', '3', '-w', '1', '203.0.113.14'],
  },
  {
    name: 'inetutils-prohibited',
    where: 'mini',
    argv: [INET, '-q', '3', '-w', '1', '203.0.113.13'],
  },
  {
    name: 'inetutils-host-prohibited',
    where: 'mini',
    argv: [INET, '-q', '3', '-w', '1', '203.0.113.14'],
  },
  { name: 'tracepath-prohibited', where: 'mini', argv: ['tracepath', '-n', '203.0.113.13'] },
  { name: 'tracepath-net-unreachable', where: 'mini', argv: ['tracepath', '203.0.113.64'] },
  // IPv6.
  {
    name: 'traceroute6-names',
    where: 'mini',
    argv: ['traceroute6', '-q', '3', '-w', '1', '2001:db8:4::10'],
  },
  {
    name: 'traceroute6-n',
    where: 'mini',
    argv: [TR, '-6', '-n', '-q', '3', '-w', '1', '2001:db8:4::10'],
  },
  {
    name: 'traceroute6-prohibited',
    where: 'mini',
    argv: [TR, '-6', '-n', '-q', '3', '-w', '1', '2001:db8:4::13'],
  },
  {
    name: 'traceroute6-policy-fail',
    where: 'mini',
    argv: [TR, '-6', '-n', '-q', '3', '-w', '1', '2001:db8:4::14'],
  },
  {
    name: 'traceroute6-reject-route',
    where: 'mini',
    argv: [TR, '-6', '-n', '-q', '3', '-w', '1', '2001:db8:4::15'],
  },
  { name: 'traceroute6-loopback', where: 'mini', argv: ['traceroute6', '-q', '3', '::1'] },
  {
    name: 'busybox-traceroute6',
    where: 'mini',
    argv: ['busybox', 'traceroute6', '-q', '3', '-w', '1', '2001:db8:4::10'],
  },
  { name: 'tracepath6', where: 'mini', argv: ['tracepath', '-6', '2001:db8:4::10'] },
  { name: 'tracepath6-loopback', where: 'mini', argv: ['tracepath', '-6', '::1'] },
  {
    name: 'mtr6',
    where: 'mini',
    argv: ['mtr', '-6', '--report', '-c', '2', '-n', '2001:db8:4::10'],
  },
];

interface RunResult {
  code: number;
  out: string;
}

/** Runs argv without a shell; stdout and stderr together, as a terminal would show them. */
function run(argv: string[], timeoutMs = 120_000): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, out: `${file}: ${e.message}\n` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out: Buffer.concat(chunks).toString() });
    });
  });
}

async function must(argv: string[]): Promise<void> {
  const r = await run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.out.trim()}`);
}

/** The tool's own output interleaving of stdout and stderr: one pipe for both, via sh. */
function terminalArgv(argv: string[]): string[] {
  return ['sh', '-c', 'exec "$@" 2>&1', 'sh', ...argv];
}

/** The mini network of our own namespaces. */
class MiniNet {
  readonly prefix = `pptr-${randomBytes(2).toString('hex')}-`;
  private readonly names = ['c', 'r1', 'r2a', 'r2b', 'r3', 't'];
  private created: string[] = [];

  ns(short: string): string {
    return `${this.prefix}${short}`;
  }

  private etcDir(): string {
    return path.join('/etc/netns', this.ns('c'));
  }

  async build(): Promise<void> {
    for (const n of this.names) {
      await must(['ip', 'netns', 'add', this.ns(n)]);
      this.created.push(this.ns(n));
      await must(['ip', '-n', this.ns(n), 'link', 'set', 'lo', 'up']);
    }
    const link = async (a: string, ifa: string, b: string, ifb: string): Promise<void> => {
      await must([
        'ip',
        '-n',
        this.ns(a),
        'link',
        'add',
        ifa,
        'type',
        'veth',
        'peer',
        'name',
        ifb,
        'netns',
        this.ns(b),
      ]);
      await must(['ip', '-n', this.ns(a), 'link', 'set', ifa, 'up']);
      await must(['ip', '-n', this.ns(b), 'link', 'set', ifb, 'up']);
    };
    await link('c', 'eth0', 'r1', 'c0');
    await link('r1', 'a0', 'r2a', 'up0');
    await link('r1', 'b0', 'r2b', 'up0');
    await link('r2a', 'dn0', 'r3', 'a0');
    await link('r2b', 'dn0', 'r3', 'b0');
    await link('r3', 't0', 't', 'eth0');
    // A smaller MTU on the last link, so probes with DF set earn `!F-1280` and pmtu lines.
    await must(['ip', '-n', this.ns('r3'), 'link', 'set', 't0', 'mtu', '1280']);
    await must(['ip', '-n', this.ns('t'), 'link', 'set', 'eth0', 'mtu', '1280']);
    const addrs: [string, string, string][] = [
      ['c', 'eth0', '192.0.2.2/28'],
      ['r1', 'c0', '192.0.2.1/28'],
      ['r1', 'a0', '198.51.100.1/30'],
      ['r2a', 'up0', '198.51.100.2/30'],
      ['r1', 'b0', '198.51.100.5/30'],
      ['r2b', 'up0', '198.51.100.6/30'],
      ['r2a', 'dn0', '198.51.100.9/30'],
      ['r3', 'a0', '198.51.100.10/30'],
      ['r2b', 'dn0', '198.51.100.13/30'],
      ['r3', 'b0', '198.51.100.14/30'],
      ['r3', 't0', '203.0.113.1/28'],
      ['t', 'eth0', '203.0.113.10/28'],
      ['c', 'eth0', '2001:db8:1::2/64'],
      ['r1', 'c0', '2001:db8:1::1/64'],
      ['r1', 'a0', '2001:db8:2a::1/64'],
      ['r2a', 'up0', '2001:db8:2a::2/64'],
      ['r1', 'b0', '2001:db8:2b::1/64'],
      ['r2b', 'up0', '2001:db8:2b::2/64'],
      ['r2a', 'dn0', '2001:db8:3a::1/64'],
      ['r3', 'a0', '2001:db8:3a::2/64'],
      ['r2b', 'dn0', '2001:db8:3b::1/64'],
      ['r3', 'b0', '2001:db8:3b::2/64'],
      ['r3', 't0', '2001:db8:4::1/64'],
      ['t', 'eth0', '2001:db8:4::10/64'],
    ];
    for (const [n, dev, a] of addrs) {
      // nodad: the addresses are unique by construction, and DAD would delay IPv6 by seconds.
      const extra = a.includes(':') ? ['nodad'] : [];
      await must(['ip', '-n', this.ns(n), 'addr', 'add', a, 'dev', dev, ...extra]);
    }
    for (const n of this.names) {
      await must([
        'ip',
        'netns',
        'exec',
        this.ns(n),
        'sysctl',
        '-qw',
        'net.ipv4.ip_forward=1',
        'net.ipv6.conf.all.forwarding=1',
        // Time-exceeded and unreachable errors are rate limited by default: traceroute's
        // parallel probes would see `*` where a router did answer.
        'net.ipv4.icmp_ratelimit=0',
        'net.ipv6.icmp.ratelimit=0',
        // Hash on ports, so UDP probes with different ports take both equal-cost paths.
        'net.ipv4.fib_multipath_hash_policy=1',
        'net.ipv6.fib_multipath_hash_policy=1',
      ]);
    }
    const route = (n: string, ...args: string[]): Promise<void> =>
      must(['ip', '-n', this.ns(n), 'route', 'add', ...args]);
    const route6 = (n: string, ...args: string[]): Promise<void> =>
      must(['ip', '-n', this.ns(n), '-6', 'route', 'add', ...args]);
    await route('c', 'default', 'via', '192.0.2.1');
    await route6('c', 'default', 'via', '2001:db8:1::1');
    await route('t', 'default', 'via', '203.0.113.1');
    await route6('t', 'default', 'via', '2001:db8:4::1');
    await route(
      'r1',
      '203.0.113.0/24',
      'nexthop',
      'via',
      '198.51.100.2',
      'nexthop',
      'via',
      '198.51.100.6',
    );
    await route6(
      'r1',
      '2001:db8:4::/48',
      'nexthop',
      'via',
      '2001:db8:2a::2',
      'nexthop',
      'via',
      '2001:db8:2b::2',
    );
    await route('r2a', '192.0.2.0/28', 'via', '198.51.100.1');
    await route('r2a', '203.0.113.0/24', 'via', '198.51.100.10');
    await route6('r2a', '2001:db8:1::/64', 'via', '2001:db8:2a::1');
    await route6('r2a', '2001:db8:4::/48', 'via', '2001:db8:3a::2');
    await route('r2b', '192.0.2.0/28', 'via', '198.51.100.5');
    await route('r2b', '203.0.113.0/24', 'via', '198.51.100.14');
    await route6('r2b', '2001:db8:1::/64', 'via', '2001:db8:2b::1');
    await route6('r2b', '2001:db8:4::/48', 'via', '2001:db8:3b::2');
    await route('r3', '192.0.2.0/28', 'via', '198.51.100.9');
    await route6('r3', '2001:db8:1::/64', 'via', '2001:db8:3a::1');
    await route('r3', 'prohibit', '203.0.113.13/32');
    await route6('r3', 'prohibit', '2001:db8:4::13/128');
    const r3 = (argv: string[]): Promise<void> =>
      must(['ip', 'netns', 'exec', this.ns('r3'), ...argv]);
    await r3([
      'iptables',
      '-A',
      'FORWARD',
      '-d',
      '203.0.113.14',
      '-j',
      'REJECT',
      '--reject-with',
      'icmp-host-prohibited',
    ]);
    await r3([
      'ip6tables',
      '-A',
      'FORWARD',
      '-d',
      '2001:db8:4::14',
      '-j',
      'REJECT',
      '--reject-with',
      'icmp6-policy-fail',
    ]);
    await r3([
      'ip6tables',
      '-A',
      'FORWARD',
      '-d',
      '2001:db8:4::15',
      '-j',
      'REJECT',
      '--reject-with',
      'icmp6-reject-route',
    ]);
    // `ip netns exec` mounts these over /etc: names for the client, and a resolver that
    // answers nothing at once (nothing listens on the client's loopback).
    mkdirSync(this.etcDir(), { recursive: true });
    writeFileSync(
      path.join(this.etcDir(), 'hosts'),
      [
        '127.0.0.1 localhost',
        '::1 localhost ip6-localhost',
        '192.0.2.1 r1.mini.test',
        '198.51.100.2 r2a.mini.test',
        '198.51.100.6 r2b.mini.test',
        '198.51.100.10 r3.mini.test',
        '203.0.113.10 target.mini.test',
        '2001:db8:1::1 r1.mini.test',
        '2001:db8:2a::2 r2a.mini.test',
        '2001:db8:2b::2 r2b.mini.test',
        '2001:db8:3a::2 r3.mini.test',
        '2001:db8:4::10 target.mini.test',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(this.etcDir(), 'resolv.conf'), 'nameserver 127.0.0.1\n');
  }

  exec(argv: string[]): Promise<RunResult> {
    return run(['ip', 'netns', 'exec', this.ns('c'), ...terminalArgv(argv)]);
  }

  /** Synchronous, so it also works from exit and signal handlers. */
  destroy(): void {
    for (const ns of this.created) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      spawnSync('ip', ['netns', 'delete', ns]);
    }
    this.created = [];
    rmSync(this.etcDir(), { recursive: true, force: true });
  }
}

interface Captured {
  file: string;
  where: string;
  argv: string[];
  exitCode: number;
}

async function capture(
  fixtures: Fixture[],
  execIn: (f: Fixture) => Promise<RunResult>,
  done: Captured[],
): Promise<void> {
  for (const f of fixtures) {
    let result = await execIn(f);
    for (let attempt = 1; f.until && !f.until.test(result.out) && attempt < 5; attempt++) {
      result = await execIn(f);
    }
    if (f.until && !f.until.test(result.out)) {
      console.warn(`${f.name}: the output never showed ${f.until}; keeping the last one`);
    }
    const file = `${f.name}.txt`;
    writeFileSync(path.join(HERE, file), result.out);
    const where =
      f.where === 'mini' ? 'mini: client namespace' : `demo: ${JSON.stringify(f.target)}`;
    done.push({ file, where, argv: f.argv, exitCode: result.code });
    console.log(`${file} (exit ${result.code})`);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('capture.ts needs root: it runs the tools in network namespaces');
    process.exit(1);
  }
  const only = process.argv.slice(2);
  const wanted = only.length ? FIXTURES.filter((f) => only.includes(f.name)) : FIXTURES;
  const done: Captured[] = [];

  const demo = wanted.filter((f) => f.where === 'demo');
  if (demo.length) {
    let lab: Lab | null = null;
    try {
      lab = await startLab(demoScenario);
      const l = lab;
      await capture(
        demo,
        async (f) => {
          const r = await l.exec(f.target ?? WEB_CLIENT, terminalArgv(f.argv), {
            timeoutMs: 120_000,
          });
          return { code: r.code, out: r.stdout + r.stderr };
        },
        done,
      );
    } finally {
      await lab?.close();
    }
  }

  const mini = wanted.filter((f) => f.where === 'mini');
  if (mini.length) {
    const net = new MiniNet();
    const onSignal = (): void => {
      net.destroy();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => net.destroy());
    try {
      await net.build();
      await capture(mini, (f) => net.exec(f.argv), done);
    } finally {
      net.destroy();
    }
  }

  // Fixtures captured now replace their old entries; the others keep theirs.
  const manifestFile = path.join(HERE, 'captured.json');
  const now = new Date().toISOString();
  let entries: (Captured & { capturedAt: string })[] = [];
  if (existsSync(manifestFile)) {
    entries = (JSON.parse(readFileSync(manifestFile, 'utf8')) as { fixtures: typeof entries })
      .fixtures;
  }
  const fresh = new Set(done.map((d) => d.file));
  entries = [
    ...entries.filter((e) => !fresh.has(e.file)),
    ...done.map((d) => ({ ...d, capturedAt: now })),
  ];
  const order = FIXTURES.map((f) => `${f.name}.txt`);
  entries.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file));
  writeFileSync(manifestFile, `${JSON.stringify({ fixtures: entries }, null, 2)}\n`);
}

await main();
