/**
 * The argv a probe container runs, built from validated values only. Every command is an argv
 * array given to the container as `command` (no shell), with the target after `--` wherever the
 * tool accepts it, so that even a value that slipped past validation could not become an option.
 *
 * Tools checked against the versions in the probe image (Debian bookworm) and busybox 1.35+:
 * - Debian traceroute (traceroute.db) and busybox traceroute accept `--` and `-n -w -q -m`.
 *   Debian's default method is UDP through an unprivileged socket with IP_RECVERR (no NET_RAW,
 *   fine as nobody under the restricted Pod Security level); busybox opens a raw ICMP socket
 *   and needs NET_RAW.
 * - tracepath (iputils) accepts `--` and `-n -m`; it needs no privilege either.
 * - nslookup does NOT accept `--` (bind's prints `*** Invalid option: -`, busybox's its usage),
 *   so it gets the bare name; validation guarantees the name cannot start with `-`.
 * - connects: podpath's image runs podpath-connect (probe-image/), which loops OpenBSD
 *   `nc -z -v -w T -- HOST PORT` COUNT times. busybox has no loop without a shell, so with
 *   busybox a connect probe is one `nc -v -z -w T -- HOST PORT` attempt (nc -z exists in
 *   upstream busybox builds, NC_110_COMPAT); the result says so.
 */
import type { ProbeKind, ProbeOptions, ProbeTarget } from './types';
import { ProbeInputError, validateHost, validateInteger, validatePort } from './validation';

/** What an image offers: Debian tools and podpath-connect, or busybox applets. */
export type ImageFlavor = 'probe' | 'busybox';

/** podpath's probe image (probe-image/Dockerfile). */
export const PODPATH_PROBE_IMAGE = 'ghcr.io/podpath/probe:0.1.0';

/** The articles' image. */
export const BUSYBOX_IMAGE = 'busybox:1.36';

/**
 * busybox when the repository's last path segment is `busybox` (docker.io/library/busybox or
 * any mirror of it); anything else is taken to be podpath's probe image or a mirror of it.
 */
export function imageFlavor(image: string): ImageFlavor {
  const withoutDigest = image.trim().toLowerCase().split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repo = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  return repo.slice(repo.lastIndexOf('/') + 1) === 'busybox' ? 'busybox' : 'probe';
}

export interface ProbeCommand {
  argv: string[];
  /** Facts the reader should know about this command (e.g. a single busybox connect). */
  notes: string[];
}

/** Checks the numeric options that reach argv. */
export function validateOptions(options: ProbeOptions): ProbeOptions {
  validateInteger(options.count, 1, 200, 'connect count');
  validateInteger(options.waitSeconds, 1, 30, 'wait seconds');
  validateInteger(options.maxHops, 1, 64, 'max hops');
  validateInteger(options.queries, 1, 10, 'queries per hop');
  validateInteger(options.timeoutMs, 1_000, 3_600_000, 'probe timeout (ms)');
  return options;
}

/** `traceroute -n -w W -q Q -m M -- HOST` (or tracepath), for the image's flavor. */
export function tracerouteArgv(
  flavor: ImageFlavor,
  host: string,
  options: Pick<ProbeOptions, 'waitSeconds' | 'queries' | 'maxHops' | 'tracepath'>,
): string[] {
  const target = validateHost(host);
  const w = String(validateInteger(options.waitSeconds, 1, 30, 'wait seconds'));
  const q = String(validateInteger(options.queries, 1, 10, 'queries per hop'));
  const m = String(validateInteger(options.maxHops, 1, 64, 'max hops'));
  if (flavor === 'probe' && options.tracepath) {
    return ['tracepath', '-n', '-m', m, '--', target.value];
  }
  // busybox picks the address family from -6 only; Debian's traceroute from the address.
  const family = flavor === 'busybox' && target.kind === 'ipv6' ? ['-6'] : [];
  return ['traceroute', ...family, '-n', '-w', w, '-q', q, '-m', m, '--', target.value];
}

/** Repeated TCP connects (podpath-connect) or, with busybox, one nc -z. */
export function connectArgv(
  flavor: ImageFlavor,
  host: string,
  port: number | string,
  options: Pick<ProbeOptions, 'count' | 'waitSeconds'>,
): string[] {
  const target = validateHost(host);
  const p = String(validatePort(port));
  const w = String(validateInteger(options.waitSeconds, 1, 30, 'wait seconds'));
  if (flavor === 'busybox') return ['nc', '-v', '-z', '-w', w, '--', target.value, p];
  const count = String(validateInteger(options.count, 1, 200, 'connect count'));
  return ['podpath-connect', count, w, '--', target.value, p];
}

/** `nslookup NAME` (no `--`: neither nslookup accepts it; the name cannot start with `-`). */
export function dnsArgv(_flavor: ImageFlavor, name: string): string[] {
  const target = validateHost(name);
  return ['nslookup', target.value];
}

/** The argv of a probe of `kind` at `target` with the image's tools. */
export function probeCommand(
  kind: ProbeKind,
  image: string,
  target: ProbeTarget,
  options: ProbeOptions,
): ProbeCommand {
  validateOptions(options);
  const flavor = imageFlavor(image);
  const host = target.ip ?? target.name;
  if (!host) throw new ProbeInputError('the probe target has neither an address nor a name');
  switch (kind) {
    case 'traceroute':
      return { argv: tracerouteArgv(flavor, host, options), notes: [] };
    case 'dns':
      return { argv: dnsArgv(flavor, target.name ?? host), notes: [] };
    case 'connect': {
      if (target.port === undefined) {
        throw new ProbeInputError('a connect probe needs a port');
      }
      const argv = connectArgv(flavor, host, target.port, options);
      const notes =
        flavor === 'busybox' && options.count > 1
          ? [
              `busybox cannot repeat connects without a shell, so this probe made 1 attempt instead of ${options.count}; podpath's probe image gives a success ratio`,
            ]
          : [];
      return { argv, notes };
    }
  }
}
