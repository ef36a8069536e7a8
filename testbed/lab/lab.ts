/**
 * The network lab: a scenario cluster built from Linux network namespaces, so that what a probe
 * prints is what the kernel did. See plan.ts for the layout, proxy-rules.ts for the service
 * proxy, runtime.ts for the ContainerRuntime the emulator's kubelet drives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../emulator/store';
import type { Scenario } from '../scenarios/types';
import { cidrContains } from './cidr';
import { dnsRecords, podResolvConf } from './dns-records';
import { fixCommands, type LabFix } from './fixes';
import { newLabPrefix, podVethName } from './names';
import { PROBE_BINARIES, PROBE_SCRIPTS } from './probe-command';
import {
  DNS_PORT,
  planLab,
  podPlumbing,
  POD_SYSCTLS,
  type LabPlan,
  type PlannedDnsServer,
  type PlannedNode,
} from './plan';
import { inNetns, netnsExec, run, runOk } from './process';
import {
  nodeBaseRules,
  nodeProxyRules,
  stageBaseRules,
  stageProxyRules,
  type ProxyOptions,
} from './proxy-rules';
import { LabRuntime } from './runtime';
import { dnsServices, proxyServicePorts } from './service-model';
import {
  claimPrefix,
  destroyLab,
  ETC_NETNS,
  forgetLab,
  labWebRoot,
  rememberLab,
  sweepStaleLabs,
} from './teardown';
import type { ExecResult, ExecTarget, Lab, LabOptions, LabSandboxSpec } from './types';

/** A pod's network as the lab knows it. */
export interface LabPod {
  namespace: string;
  name: string;
  node: string;
  /** The network namespace its containers run in (the node's for hostNetwork pods). */
  netns: string;
  ip: string;
  hostNetwork: boolean;
  /** Serial of its namespace and bridge port; 0 for hostNetwork pods. */
  serial: number;
  /** TCP ports answered by a listener. */
  listening: Set<number>;
}

const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** resolv.conf of a node's host network: the router on its segment, if any. */
function nodeResolvConf(node: PlannedNode): string {
  // The router's address (where nothing answers on port 53) keeps lookups inside the lab
  // instead of the machine's resolver.
  return `nameserver ${node.resolver ?? '127.0.0.1'}\n`;
}

/** A running cluster DNS server process and the sync acknowledgements it still owes. */
interface DnsProcess {
  child: ChildProcess;
  acks: (() => void)[];
}

function writeResolvConf(ns: string, content: string): void {
  const dir = path.join(ETC_NETNS, ns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'resolv.conf'), content);
}

/** The lab implementation behind `startLab`. */
export class NetworkLab implements Lab {
  readonly prefix: string;
  readonly runtime: LabRuntime;
  readonly plan: LabPlan;
  private readonly pods = new Map<string, LabPod>();
  private readonly nodes: Map<string, PlannedNode>;
  private readonly webRoot: string;
  private readonly processes = new Set<ChildProcess>();
  /** Listener processes per pod (namespace/name) or outside host (name). */
  private readonly listeners = new Map<string, ChildProcess[]>();
  private readonly clusterDnsAliases = new Map<string, string>();
  private serial: number;
  private hairpin: boolean;
  private readonly proxy: ProxyOptions;
  private readonly nodeChains = new Map<string, string[]>();
  private readonly stageChains = new Map<string, string[]>();
  /** Cluster DNS server processes by network namespace. */
  private readonly dnsProcesses = new Map<string, DnsProcess>();
  private syncing: Promise<void> = Promise.resolve();
  private lastSync: { services: KubeObject[]; slices: KubeObject[] } = { services: [], slices: [] };
  private closing: Promise<void> | null = null;

  constructor(
    readonly scenario: Scenario,
    prefix: string,
    opts: LabOptions,
  ) {
    this.prefix = prefix;
    this.hairpin = !scenario.defects.noHairpin;
    this.proxy = {
      hairpinMasquerade: opts.proxy?.hairpinMasquerade ?? true,
      captureHostExternalIPs:
        opts.proxy?.captureHostExternalIPs ?? !scenario.defects.hostNetworkExternalIPNotCaptured,
    };
    this.plan = planLab(scenario, prefix, this.hairpin);
    if (opts.scenarioPods === false) {
      // CoreDNS pods stay: they are the cluster's DNS, as the nodes are its network.
      const dnsNs = new Set(this.plan.dns.servers.map((d) => d.ns));
      const kept = this.plan.pods.filter((p) => dnsNs.has(p.ns));
      this.plan.pods.splice(0, this.plan.pods.length, ...kept);
    }
    // Serials of pods added later continue after the highest planned one.
    this.serial = Math.max(0, ...this.plan.pods.map((p) => p.serial));
    this.nodes = new Map(this.plan.nodes.map((n) => [n.name, n]));
    this.webRoot = labWebRoot(prefix);
    this.runtime = new LabRuntime(this);
  }

  /** Symlinks named like the probe image's commands, pointing at Debian's binaries. */
  get binDir(): string {
    return path.join(this.webRoot, 'bin');
  }

  /** Builds everything; on failure tears down what was made and rethrows. */
  async build(): Promise<void> {
    const { plan } = this;
    mkdirSync(this.binDir, { recursive: true });
    for (const [command, binary] of Object.entries(PROBE_BINARIES)) {
      symlinkSync(binary, path.join(this.binDir, command));
    }
    // The image's own scripts are copied, not linked: probes run them as nobody, who may not be
    // able to read the checkout they come from.
    for (const [command, file] of Object.entries(PROBE_SCRIPTS)) {
      copyFileSync(file, path.join(this.binDir, command));
      chmodSync(path.join(this.binDir, command), 0o755);
    }
    const namespaces = plan.namespaces.filter(
      (ns) => !ns.startsWith(`${this.prefix}p`) || plan.pods.some((p) => p.ns === ns),
    );
    await runOk(['ip', '-batch', '-'], {
      input: namespaces.map((n) => `netns add ${n}\n`).join(''),
    });
    await Promise.all(
      namespaces.map((ns) => {
        const sysctls = plan.sysctls.get(ns);
        return sysctls ? runOk(inNetns(ns, ['sysctl', '-q', '-w', ...sysctls])) : undefined;
      }),
    );
    await this.ipBatch(plan.switchSetup.ns, plan.switchSetup.ip);
    await Promise.all(plan.nodeSetups.map((s) => this.ipBatch(s.ns, s.ip)));
    await Promise.all(plan.leafSetups.map((s) => this.ipBatch(s.ns, s.ip)));

    // Node and pod state the runtime needs.
    for (const pod of plan.pods) {
      const dnsServer = plan.dns.servers.some((d) => d.ns === pod.ns);
      this.pods.set(podKey(pod.namespace, pod.name), {
        namespace: pod.namespace,
        name: pod.name,
        node: pod.node,
        netns: pod.ns,
        ip: pod.ip,
        hostNetwork: false,
        serial: pod.serial,
        // The DNS server answers TCP 53 of a CoreDNS pod; no listener may take that port.
        listening: new Set(dnsServer ? [DNS_PORT] : []),
      });
    }
    for (const pod of this.scenario.pods.filter((p) => p.hostNetwork)) {
      const node = this.nodeOf(pod.node);
      this.pods.set(podKey(pod.namespace, pod.name), {
        namespace: pod.namespace,
        name: pod.name,
        node: pod.node,
        netns: node.ns,
        ip: node.uplinkAddress,
        hostNetwork: true,
        serial: 0,
        listening: new Set(),
      });
    }

    this.writeResolvConfs();
    await Promise.all([
      ...plan.nodes.map((n) =>
        runOk(inNetns(n.ns, ['iptables-restore', '--noflush']), { input: nodeBaseRules() }),
      ),
      ...plan.nodes.map((n) =>
        runOk(inNetns(n.stageNs, ['iptables-restore', '--noflush']), { input: stageBaseRules() }),
      ),
    ]);
    await Promise.all([
      ...plan.dns.servers.map((server) => this.startDns(server)),
      this.syncServices([], []),
    ]);

    const listeners: Promise<void>[] = [];
    for (const pod of plan.pods) {
      listeners.push(this.listen(podKey(pod.namespace, pod.name), pod.listenPorts));
    }
    for (const host of plan.hosts) {
      if (host.listen.length > 0)
        listeners.push(this.startListeners(host.ns, host.name, '', host.listen));
    }
    await Promise.all(listeners);
  }

  private async ipBatch(ns: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await runOk(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  }

  private writeResolvConfs(): void {
    const { plan } = this;
    for (const pod of plan.pods) {
      const policy = this.scenario.pods.find(
        (p) => p.namespace === pod.namespace && p.name === pod.name,
      )?.dnsPolicy;
      writeResolvConf(pod.ns, this.podResolv(this.nodeOf(pod.node), pod.namespace, policy));
    }
    // Nodes and outside hosts never use cluster DNS.
    for (const node of plan.nodes) writeResolvConf(node.ns, nodeResolvConf(node));
    for (const host of plan.hosts) writeResolvConf(host.ns, 'nameserver 127.0.0.1\n');
    for (const server of plan.dns.servers) {
      if (!server.pod) writeResolvConf(server.ns, 'nameserver 127.0.0.1\n');
    }
  }

  /**
   * resolv.conf of a pod with its own network: cluster DNS, or with dnsPolicy Default the
   * node's resolver (CoreDNS itself runs so, and must not ask itself).
   */
  private podResolv(node: PlannedNode, namespace: string, policy: string | undefined): string {
    return policy === 'Default'
      ? nodeResolvConf(node)
      : podResolvConf(namespace, this.plan.dns.clusterIP);
  }

  /** The private DNS namespace's server, when the scenario has no CoreDNS pod. */
  private get privateDns(): PlannedDnsServer | undefined {
    return this.plan.dns.servers.find((d) => d.pod === null);
  }

  private nodeOf(name: string): PlannedNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`lab ${this.prefix}: unknown node ${name}`);
    return node;
  }

  /** The pod record for a namespace/name, if the lab has its sandbox. */
  pod(namespace: string, name: string): LabPod | undefined {
    return this.pods.get(podKey(namespace, name));
  }

  /** Every sandbox the lab has, scenario pods and hostNetwork pods included. */
  listPods(): LabPod[] {
    return [...this.pods.values()];
  }

  /** The namespace a command of this pod runs in, honouring ClusterFirstWithHostNet. */
  async containerNetns(pod: LabPod, dnsPolicy?: LabSandboxSpec['dnsPolicy']): Promise<string> {
    if (!pod.hostNetwork || dnsPolicy !== 'ClusterFirstWithHostNet') return pod.netns;
    return this.clusterDnsAlias(this.nodeOf(pod.node), pod.namespace);
  }

  /**
   * A second name for a node's namespace whose resolv.conf points at cluster DNS: `ip netns
   * exec` picks resolv.conf by name, and hostNetwork pods with ClusterFirstWithHostNet share
   * the node's network but not its resolver.
   */
  private async clusterDnsAlias(node: PlannedNode, namespace: string): Promise<string> {
    const key = `${node.name}/${namespace}`;
    const known = this.clusterDnsAliases.get(key);
    if (known) return known;
    const alias = `${node.clusterDnsNs}${this.clusterDnsAliases.size}`;
    this.clusterDnsAliases.set(key, alias);
    writeFileSync(`/run/netns/${alias}`, '');
    await runOk(['mount', '--bind', `/run/netns/${node.ns}`, `/run/netns/${alias}`]);
    writeResolvConf(alias, podResolvConf(namespace, this.plan.dns.clusterIP));
    return alias;
  }

  /** Creates a pod's sandbox (runtime.createSandbox). Idempotent for pods the lab already has. */
  async addPod(spec: LabSandboxSpec): Promise<LabPod> {
    const key = podKey(spec.namespace, spec.name);
    const existing = this.pods.get(key);
    if (existing) return existing;
    const node = this.nodeOf(spec.nodeName);
    if (spec.hostNetwork) {
      const pod: LabPod = {
        namespace: spec.namespace,
        name: spec.name,
        node: node.name,
        netns: node.ns,
        ip: node.uplinkAddress,
        hostNetwork: true,
        serial: 0,
        listening: new Set(),
      };
      this.pods.set(key, pod);
      return pod;
    }
    if (!spec.podIP) throw new Error(`pod ${key} has no podIP`);
    if (!cidrContains(node.podCIDR, spec.podIP)) {
      throw new Error(
        `pod ${key}: ${spec.podIP} is outside ${node.name}'s podCIDR ${node.podCIDR}`,
      );
    }
    const clash = [...this.pods.values()].find((p) => !p.hostNetwork && p.ip === spec.podIP);
    if (clash || spec.podIP === this.privateDns?.ip || spec.podIP === node.gateway) {
      throw new Error(`pod ${key}: ${spec.podIP} is already in use in the lab`);
    }
    this.serial += 1;
    const serial = this.serial;
    const ns = this.plan.names.pod(serial);
    const pod: LabPod = {
      namespace: spec.namespace,
      name: spec.name,
      node: node.name,
      netns: ns,
      ip: spec.podIP,
      hostNetwork: false,
      serial,
      listening: new Set(),
    };
    this.pods.set(key, pod);
    try {
      await runOk(['ip', 'netns', 'add', ns]);
      await runOk(inNetns(ns, ['sysctl', '-q', '-w', ...POD_SYSCTLS]));
      const plumbing = podPlumbing(this.scenario, node, {
        serial,
        ns,
        ip: spec.podIP,
        hairpin: this.hairpin,
      });
      await this.ipBatch(node.ns, plumbing.nodeLines);
      await this.ipBatch(ns, plumbing.podLines);
      writeResolvConf(ns, this.podResolv(node, spec.namespace, spec.dnsPolicy));
    } catch (e) {
      this.pods.delete(key);
      await run(['ip', 'netns', 'delete', ns]);
      rmSync(path.join(ETC_NETNS, ns), { recursive: true, force: true });
      throw e;
    }
    return pod;
  }

  /** Removes a pod's sandbox (runtime.removeSandbox); its veth pair goes with its namespace. */
  async removePod(namespace: string, name: string): Promise<void> {
    const key = podKey(namespace, name);
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    if (pod.hostNetwork) {
      await this.stopListeners(pod);
      return;
    }
    const pids = await run(['ip', 'netns', 'pids', pod.netns]);
    for (const pid of pids.stdout
      .split('\n')
      .map(Number)
      .filter((n) => n > 1)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // A signal handler may already have torn the whole lab down while the kubelet was still
    // stopping pods; a namespace that is gone is a namespace removed.
    if (existsSync(path.join('/run/netns', pod.netns))) {
      await runOk(['ip', 'netns', 'delete', pod.netns]);
    }
    rmSync(path.join(ETC_NETNS, pod.netns), { recursive: true, force: true });
  }

  private async stopListeners(pod: LabPod): Promise<void> {
    const key = podKey(pod.namespace, pod.name);
    for (const child of this.listeners.get(key) ?? []) child.kill('SIGKILL');
    this.listeners.delete(key);
    pod.listening.clear();
  }

  /** Starts TCP listeners for the ports a pod serves that are not answered yet. */
  async listen(key: string, ports: number[]): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) throw new Error(`lab ${this.prefix}: no sandbox for ${key}`);
    const missing = [...new Set(ports)].filter((p) => !pod.listening.has(p));
    if (missing.length === 0) return;
    for (const port of missing) pod.listening.add(port);
    await this.startListeners(pod.netns, `${pod.namespace}/${pod.name}`, pod.ip, missing);
  }

  /**
   * busybox httpd per port: it accepts any TCP connect and serves a page naming the pod, as
   * the articles' demo servers do, with a process of a few hundred kilobytes.
   */
  private async startListeners(
    ns: string,
    who: string,
    ip: string,
    ports: number[],
  ): Promise<void> {
    const dir = path.join(this.webRoot, ns);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'index.html'),
      `${JSON.stringify({ Host: who.split('/').pop(), ServerIP: ip, Lab: this.prefix })}\n`,
    );
    const children = this.listeners.get(who) ?? [];
    this.listeners.set(who, children);
    for (const port of ports) {
      children.push(
        this.spawnTracked(
          inNetns(ns, ['busybox', 'httpd', '-f', '-p', `0.0.0.0:${port}`, '-h', dir]),
        ),
      );
    }
    await this.waitListening(ns, ports);
  }

  private async waitListening(ns: string, ports: number[]): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const result = await run(inNetns(ns, ['ss', '-Hltn']));
      const open = new Set([...result.stdout.matchAll(/:(\d+)\s/g)].map((m) => Number(m[1])));
      if (ports.every((p) => open.has(p))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`lab ${this.prefix}: listeners on ${ports.join(',')} in ${ns} did not start`);
  }

  /** Spawns a lab process and keeps track of it until it ends. */
  spawnTracked(argv: string[]): ChildProcess {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    this.processes.add(child);
    child.on('exit', () => this.processes.delete(child));
    child.on('error', () => this.processes.delete(child));
    return child;
  }

  /** Starts the DNS server in its namespace, bound to the pod's address on port 53. */
  private async startDns(server: PlannedDnsServer): Promise<void> {
    const require = createRequire(import.meta.url);
    const loader = require.resolve('tsx');
    const script = fileURLToPath(new URL('./dns-server.ts', import.meta.url));
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${server.ns}`,
        '--',
        process.execPath,
        '--import',
        pathToImport(loader),
        script,
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, PODPATH_DNS_ADDRESS: server.ip, PODPATH_DNS_PORT: String(DNS_PORT) },
      },
    );
    const dns: DnsProcess = { child, acks: [] };
    this.dnsProcesses.set(server.ns, dns);
    this.processes.add(child);
    const errors: string[] = [];
    child.stderr.on('data', (c: Buffer) => errors.push(c.toString()));
    child.stdin.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      let ready = false;
      lines.on('line', (line) => {
        if (line === 'ready') {
          ready = true;
          resolve();
        } else if (line === 'synced') {
          dns.acks.shift()?.();
        }
      });
      // A CoreDNS pod removed by the kubelet takes its server along (its processes are killed).
      child.on('exit', (code) => {
        this.processes.delete(child);
        for (const ack of dns.acks.splice(0)) ack();
        if (!ready) {
          reject(
            new Error(
              `cluster DNS in ${server.ns} (${server.ip}:${DNS_PORT}) exited (${code}): ${errors.join('').trim()}`,
            ),
          );
        }
      });
    });
  }

  /** Hands every running DNS server the records of these Services and waits for them all. */
  private pushDnsRecords(services: KubeObject[], slices: KubeObject[]): Promise<void> {
    const line = `${JSON.stringify({ records: dnsRecords(dnsServices(services, slices)) })}\n`;
    return Promise.all(
      [...this.dnsProcesses.values()]
        .filter(({ child }) => child.exitCode === null && child.signalCode === null)
        .map(
          (dns) =>
            new Promise<void>((resolve) => {
              dns.acks.push(resolve);
              dns.child.stdin?.write(line);
            }),
        ),
    ).then(() => undefined);
  }

  /**
   * Only for a scenario without a CoreDNS pod: a kube-dns Service and EndpointSlice pointing
   * at the lab's private DNS namespace, standing in for the endpoints the API cannot have.
   */
  private privateDnsObjects(dns: PlannedDnsServer): { service: KubeObject; slice: KubeObject } {
    const { clusterIP } = this.plan.dns;
    const ports = [
      { name: 'dns', port: DNS_PORT, protocol: 'UDP' },
      { name: 'dns-tcp', port: DNS_PORT, protocol: 'TCP' },
    ];
    return {
      service: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system' },
        spec: {
          type: 'ClusterIP',
          clusterIP,
          ports: ports.map((p) => ({ ...p, targetPort: DNS_PORT })),
        },
      },
      slice: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kube-dns-lab',
          namespace: 'kube-system',
          labels: { 'kubernetes.io/service-name': 'kube-dns' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: [dns.ip], conditions: { ready: true }, nodeName: dns.node }],
        ports,
      },
    };
  }

  syncServices(services: KubeObject[], endpointSlices: KubeObject[]): Promise<void> {
    const next = this.syncing.then(() => this.doSync(services, endpointSlices));
    // A failed sync must not wedge the ones after it.
    this.syncing = next.catch(() => undefined);
    return next;
  }

  private async doSync(services: KubeObject[], slices: KubeObject[]): Promise<void> {
    if (this.closing) return;
    this.lastSync = { services, slices };
    const { services: allServices, slices: allSlices } = this.withPrivateDns(services, slices);
    const ports = proxyServicePorts(allServices, allSlices);
    await Promise.all([
      ...this.plan.nodes.map(async (node) => {
        const rules = nodeProxyRules({
          nodeName: node.name,
          ports,
          options: this.proxy,
          previousChains: this.nodeChains.get(node.name) ?? [],
        });
        await runOk(inNetns(node.ns, ['iptables-restore', '--noflush']), { input: rules.text });
        this.nodeChains.set(node.name, rules.chains);
      }),
      ...this.plan.nodes.map(async (node) => {
        const rules = stageProxyRules({
          ports,
          previousChains: this.stageChains.get(node.name) ?? [],
        });
        await runOk(inNetns(node.stageNs, ['iptables-restore', '--noflush']), {
          input: rules.text,
        });
        this.stageChains.set(node.name, rules.chains);
      }),
      this.pushDnsRecords(allServices, allSlices),
    ]);
  }

  /**
   * The Services and slices the proxy and DNS get. With CoreDNS pods, exactly the caller's:
   * kube-dns reaches them through its own EndpointSlice. Without (the private DNS namespace),
   * the lab's kube-dns replaces whatever holds the cluster DNS ClusterIP.
   */
  private withPrivateDns(
    services: KubeObject[],
    slices: KubeObject[],
  ): { services: KubeObject[]; slices: KubeObject[] } {
    const server = this.privateDns;
    if (!server) return { services, slices };
    const dns = this.privateDnsObjects(server);
    const replaced = new Set(
      services
        .filter(
          (s) =>
            (s.spec as { clusterIP?: string } | undefined)?.clusterIP === this.plan.dns.clusterIP,
        )
        .map((s) => podKey(s.metadata.namespace ?? 'default', s.metadata.name)),
    );
    replaced.add('kube-system/kube-dns');
    const keep = (o: KubeObject, name: string) =>
      !replaced.has(podKey(o.metadata.namespace ?? 'default', name));
    return {
      services: [...services.filter((s) => keep(s, s.metadata.name)), dns.service],
      slices: [
        ...slices.filter((s) => keep(s, s.metadata.labels?.['kubernetes.io/service-name'] ?? '')),
        dns.slice,
      ],
    };
  }

  /** Services and EndpointSlices of the last sync (the recorder replays them). */
  get syncedObjects(): { services: KubeObject[]; slices: KubeObject[] } {
    return this.lastSync;
  }

  private async targetNetns(where: ExecTarget): Promise<string> {
    if ('node' in where) return this.nodeOf(where.node).ns;
    if ('host' in where) {
      const host = this.plan.hosts.find((h) => h.name === where.host);
      if (!host) throw new Error(`lab ${this.prefix}: unknown host ${where.host}`);
      return host.ns;
    }
    const pod = this.pod(where.pod.namespace, where.pod.name);
    if (!pod)
      throw new Error(
        `lab ${this.prefix}: no sandbox for pod ${where.pod.namespace}/${where.pod.name}`,
      );
    return pod.netns;
  }

  async exec(
    where: ExecTarget,
    argv: string[],
    opts: { timeoutMs?: number } = {},
  ): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command');
    const ns = await this.targetNetns(where);
    return run(netnsExec(ns, argv), { timeoutMs: opts.timeoutMs ?? 120_000 });
  }

  async applyFix(fix: LabFix): Promise<void> {
    const commands = fixCommands(fix, {
      podNetwork: this.scenario.podNetwork,
      nodeInterface: this.scenario.nodeInterface,
      nodes: this.plan.nodes.map((n) => ({
        name: n.name,
        podPorts: [
          ...[...this.pods.values()]
            .filter((p) => !p.hostNetwork && p.node === n.name)
            .map((p) => podVethName(p.serial)),
          ...(this.privateDns?.node === n.name ? ['vdns'] : []),
        ],
      })),
    });
    // Pods created from now on get the same treatment, as the CNI config now says so.
    if (fix.kind === 'hairpin-mode') this.hairpin = true;
    for (const command of commands) {
      const result = await this.exec({ node: command.node }, command.argv);
      if (result.code !== 0) {
        throw new Error(
          `fix ${fix.kind} on ${command.node}: ${command.argv.join(' ')}: ${result.stderr.trim()}`,
        );
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const dns of this.dnsProcesses.values()) dns.child.stdin?.end();
      for (const child of this.processes) child.kill('SIGKILL');
      try {
        await destroyLab(this.prefix);
      } finally {
        rmSync(this.webRoot, { recursive: true, force: true });
        forgetLab(this.prefix);
      }
    })();
    return this.closing;
  }
}

function pathToImport(file: string): string {
  return new URL(`file://${file}`).href;
}

/**
 * Builds a scenario's lab and returns it. Leftovers of dead runs are swept first; a failed
 * build is torn down before the error is rethrown. Needs root (see labAvailable).
 */
export async function startLab(scenario: Scenario, opts: LabOptions = {}): Promise<NetworkLab> {
  await sweepStaleLabs();
  const prefix = opts.prefix ?? newLabPrefix();
  const lab = new NetworkLab(scenario, prefix, opts);
  claimPrefix(prefix);
  rememberLab(prefix);
  try {
    await lab.build();
  } catch (e) {
    await lab.close().catch(() => undefined);
    throw e;
  }
  return lab;
}
