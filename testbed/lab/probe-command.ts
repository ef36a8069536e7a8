/**
 * What a container's image and argv turn into on the lab's host: the exact program, run with the
 * container's user and capability bounding set through setpriv. The image decides the
 * implementation as in a cluster: `busybox` runs busybox applets, podpath's probe image runs
 * Debian's tools as nobody, and the image's own scripts (probe-image/) with /bin/sh, the file
 * itself, so the lab tests what the image ships. Anything else is refused with the message the
 * pod status carries. The argv is passed through untouched and never reaches a shell as code:
 * a script gets it as positional parameters.
 */
import { fileURLToPath } from 'node:url';
import type { ContainerSpec } from '../runtime/types';

export type ImageKind = 'busybox' | 'probe';

/** podpath's default probe image (any tag or digest). */
export const PROBE_IMAGE = 'ghcr.io/podpath/probe';

/** Commands a probe container may run; `sleep` keeps an idle container alive. */
export const PROBE_COMMANDS = [
  'traceroute',
  'tracepath',
  'ping',
  'nc',
  'nslookup',
  'wget',
  'ip',
  'sleep',
] as const;

/** Debian binaries behind the probe image's commands (modern traceroute, iputils, openbsd nc). */
export const PROBE_BINARIES: Record<string, string> = {
  traceroute: '/usr/bin/traceroute.db',
  tracepath: '/usr/bin/tracepath',
  ping: '/usr/bin/ping',
  nc: '/usr/bin/nc.openbsd',
  nslookup: '/usr/bin/nslookup',
  wget: '/usr/bin/wget',
  ip: '/usr/bin/ip',
  sleep: '/usr/bin/sleep',
};

/** Scripts of the probe image, run from the repository's probe-image/ folder. */
export const PROBE_SCRIPTS: Record<string, string> = {
  'podpath-connect': fileURLToPath(new URL('../../probe-image/podpath-connect', import.meta.url)),
};

/** Busybox applets available for the same commands (busybox has no tracepath). */
const BUSYBOX_APPLETS = new Set(['traceroute', 'ping', 'nc', 'nslookup', 'wget', 'ip', 'sleep']);

/** The capabilities containerd grants a container by default. */
export const DEFAULT_CAPABILITIES = [
  'chown',
  'dac_override',
  'fsetid',
  'fowner',
  'mknod',
  'net_raw',
  'setgid',
  'setuid',
  'setfcap',
  'setpcap',
  'net_bind_service',
  'sys_chroot',
  'kill',
  'audit_write',
];

const NOBODY = 65534;

/** Which implementation an image reference selects, or null for an image the lab cannot run. */
export function imageKind(image: string): ImageKind | null {
  const ref = image.trim().toLowerCase();
  const withoutDigest = ref.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repo = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  if (repo === PROBE_IMAGE) return 'probe';
  if (
    ['busybox', 'library/busybox', 'docker.io/library/busybox', 'docker.io/busybox'].includes(repo)
  ) {
    return 'busybox';
  }
  return null;
}

export type CommandPlan =
  | {
      ok: true;
      kind: ImageKind;
      command: string;
      uid: number;
      capabilities: string[];
      argv: string[];
    }
  | { ok: false; reason: 'ContainerCannotRun' | 'CreateContainerConfigError'; message: string };

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function normalizeCap(cap: string): string {
  return cap.toLowerCase().replace(/^cap_/, '');
}

/**
 * Plans the process for a container: `setpriv` with the container's uid and capability bounding
 * set, then the program and its arguments exactly as given.
 */
export function planCommand(
  spec: Pick<ContainerSpec, 'image' | 'argv' | 'securityContext' | 'name'>,
  binDir?: string,
): CommandPlan {
  const kind = imageKind(spec.image);
  const shown = spec.argv.length > 0 ? JSON.stringify(spec.argv) : '(image default command)';
  if (!kind) {
    return {
      ok: false,
      reason: 'ContainerCannotRun',
      message: `podpath lab: image ${JSON.stringify(spec.image)} is not available in the lab; probe containers use busybox or ${PROBE_IMAGE} (command ${shown})`,
    };
  }
  let args = [...spec.argv];
  if (kind === 'busybox' && basename(args[0] ?? '') === 'busybox') args = args.slice(1);
  const command = basename(args[0] ?? '');
  const allowed =
    kind === 'busybox'
      ? BUSYBOX_APPLETS.has(command)
      : command in PROBE_BINARIES || command in PROBE_SCRIPTS;
  if (!command || !allowed) {
    const list =
      kind === 'busybox'
        ? [...BUSYBOX_APPLETS]
        : [...Object.keys(PROBE_BINARIES), ...Object.keys(PROBE_SCRIPTS)];
    return {
      ok: false,
      reason: 'ContainerCannotRun',
      message: `podpath lab: ${spec.image} cannot run ${shown}: the lab runs only ${list.join(', ')} in this image`,
    };
  }

  const sc = spec.securityContext ?? {};
  const uid = sc.runAsUser ?? (kind === 'probe' ? NOBODY : 0);
  if (sc.runAsNonRoot && uid === 0) {
    return {
      ok: false,
      reason: 'CreateContainerConfigError',
      message: `container has runAsNonRoot and image will run as root (container: ${spec.name})`,
    };
  }
  const drop = (sc.capabilities?.drop ?? []).map(normalizeCap);
  const add = (sc.capabilities?.add ?? []).map(normalizeCap);
  const caps = new Set(drop.includes('all') ? [] : DEFAULT_CAPABILITIES);
  for (const cap of drop) caps.delete(cap);
  for (const cap of add) if (cap !== 'all') caps.add(cap);
  const capabilities = [...caps].sort();

  // Through binDir's symlinks the program sees its usual name in argv[0] (and prints `nc:`,
  // not `nc.openbsd:`), as in the probe image.
  // A script finds the image's tools on PATH: binDir first, so its `nc` is the OpenBSD one.
  // With a binDir the lab has copied the script there: the checkout may sit in a directory
  // nobody (uid 65534) cannot read, such as a fresh clone under a 0700 temp dir.
  const source = kind === 'probe' ? PROBE_SCRIPTS[command] : undefined;
  const script = source && binDir ? `${binDir}/${command}` : source;
  const program =
    kind === 'busybox'
      ? ['busybox', command]
      : script
        ? ['/usr/bin/env', `PATH=${binDir ? `${binDir}:` : ''}/usr/bin:/bin`, '/bin/sh', script]
        : [binDir ? `${binDir}/${command}` : PROBE_BINARIES[command]!];
  const argv = [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    `--inh-caps=-all`,
    `--bounding-set=${['-all', ...capabilities.map((c) => `+${c}`)].join(',')}`,
    '--',
    ...program,
    ...args.slice(1),
  ];
  return { ok: true, kind, command, uid, capabilities, argv };
}
