/**
 * What the kubelet knows about images without pulling them: the ENTRYPOINT and CMD that the
 * image config carries, and whether the image is a server that runs until stopped. From these
 * and the container's command/args it builds the argv exactly as the kubelet does.
 */
import { createHash } from 'node:crypto';
import type { Container } from './kube';

export interface ImageRef {
  /** docker.io, registry.k8s.io, ghcr.io, ... */
  domain: string;
  /** library/busybox, flannel/flannel, ... */
  path: string;
  tag?: string;
  digest?: string;
}

/** Parses an image reference the way containerd normalizes it (docker.io/library defaults). */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let domain = 'docker.io';
  let path = rest;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!tag && !digest) tag = 'latest';
  const ref: ImageRef = { domain, path };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** The fully qualified name the kubelet reports in containerStatuses[].image. */
export function normalizedImageName(image: string): string {
  const ref = parseImage(image);
  const base = `${ref.domain}/${ref.path}`;
  if (ref.digest) return ref.tag ? `${base}:${ref.tag}@${ref.digest}` : `${base}@${ref.digest}`;
  return `${base}:${ref.tag}`;
}

/**
 * The repo digest reported as imageID. No image is pulled, so the digest is derived from the
 * name: stable across runs, different per image.
 */
export function imageID(image: string): string {
  const ref = parseImage(image);
  const digest =
    ref.digest ?? `sha256:${createHash('sha256').update(normalizedImageName(image)).digest('hex')}`;
  return `${ref.domain}/${ref.path}@${digest}`;
}

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  /** A server that runs until stopped when started with its own entrypoint/cmd. */
  server: boolean;
}

/** Image configs of the images the scenarios and podpath's probes use, keyed by repository. */
const catalog: Record<string, ImageConfig> = {
  'docker.io/library/busybox': { entrypoint: [], cmd: ['sh'], server: false },
  'docker.io/library/alpine': { entrypoint: [], cmd: ['/bin/sh'], server: false },
  'docker.io/nicolaka/netshoot': { entrypoint: [], cmd: ['zsh'], server: false },
  // podpath's probe image: traceroute and friends on busybox, no entrypoint of its own.
  'ghcr.io/podpath/probe': { entrypoint: [], cmd: ['sh'], server: false },
  'docker.io/library/nginx': {
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    server: true,
  },
  'docker.io/library/httpd': { entrypoint: [], cmd: ['httpd-foreground'], server: true },
  // The images below are the scenarios' own (article 002/003 builds); their configs are picked.
  'docker.io/library/k8s-go-demo': { entrypoint: ['/app/k8s-go-demo'], cmd: [], server: true },
  'docker.io/library/my-image': { entrypoint: [], cmd: ['sleep', 'infinity'], server: true },
  'docker.io/flannel/flannel': { entrypoint: ['/opt/bin/flanneld'], cmd: [], server: true },
  'registry.k8s.io/ingress-nginx/controller': {
    entrypoint: ['/usr/bin/dumb-init', '--'],
    cmd: ['/nginx-ingress-controller'],
    server: true,
  },
  'registry.k8s.io/kube-proxy': {
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-proxy'],
    server: true,
  },
  'registry.k8s.io/coredns/coredns': { entrypoint: ['/coredns'], cmd: [], server: true },
  // k3s's mirror of the same image.
  'docker.io/rancher/mirrored-coredns-coredns': { entrypoint: ['/coredns'], cmd: [], server: true },
};

/** The image config, or an empty one (no entrypoint, no cmd) for an unknown image. */
export function imageConfig(image: string): ImageConfig {
  const ref = parseImage(image);
  return catalog[`${ref.domain}/${ref.path}`] ?? { entrypoint: [], cmd: [], server: false };
}

/**
 * Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion): `$(NAME)` becomes the
 * variable's value when defined and stays as written when not, `$$` is a literal `$`.
 */
export function expandVars(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += vars.has(name) ? (vars.get(name) as string) : `$(${name})`;
        i = close + 1;
      }
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/** The container's environment as the kubelet resolves it: in order, each value expanded. */
export function containerEnv(container: Container): Map<string, string> {
  const vars = new Map<string, string>();
  for (const env of container.env ?? []) {
    // valueFrom (secrets, fieldRef, ...) is not resolved by the emulator: such a variable stays
    // undefined and a reference to it is left as written.
    if (env.value !== undefined) vars.set(env.name, expandVars(env.value, vars));
    else if (env.valueFrom === undefined) vars.set(env.name, '');
  }
  return vars;
}

/**
 * The argv the runtime executes: command replaces ENTRYPOINT (and drops CMD), args replace CMD,
 * and both get $(VAR) expansion from the container's env.
 */
export function containerArgv(container: Container): string[] {
  const config = imageConfig(container.image);
  const vars = containerEnv(container);
  const expand = (list: string[]) => list.map((s) => expandVars(s, vars));
  const command = container.command && container.command.length > 0 ? container.command : null;
  const args = container.args && container.args.length > 0 ? container.args : null;
  if (command) return [...expand(command), ...expand(args ?? [])];
  if (args) return [...config.entrypoint, ...expand(args)];
  return [...config.entrypoint, ...config.cmd];
}

/** A server image started with its own entrypoint/cmd keeps running until stopped. */
export function runsUntilStopped(container: Container): boolean {
  const overridden =
    (container.command !== undefined && container.command.length > 0) ||
    (container.args !== undefined && container.args.length > 0);
  return imageConfig(container.image).server && !overridden;
}
