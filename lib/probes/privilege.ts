/**
 * Tells a probe that failed for lack of privilege from a network that failed. A traceroute that
 * could not open its socket proves nothing about the path, so it must never be drawn as a break.
 */
import type { PrivilegeProblem } from './types';

export interface ProbeFailureFacts {
  /** What the tool printed. */
  log?: string;
  exitCode?: number | null;
  /** Container waiting/terminated reason (CreateContainerConfigError, ...). */
  reason?: string | null;
  /** Container status message or the API error's message. */
  message?: string | null;
  /** ClusterError code of a refused create or patch (`forbidden`). */
  errorCode?: string | null;
}

const RAW_SOCKET =
  "The probe could not open the raw socket its tool needs (capability NET_RAW). busybox traceroute and ping use one; CRI-O no longer grants NET_RAW by default and the restricted Pod Security level forbids adding it. podpath's probe image traces over UDP without any privilege: use it, or allow NET_RAW for the probe.";

/** Tool output lines that mean "no privilege for this socket", never a network result. */
const CAPABILITY_LINES: RegExp[] = [
  // busybox traceroute: `traceroute: socket(AF_INET,3,1): Operation not permitted`
  /socket\([^)]*\)[^\n]*: (Operation not permitted|Permission denied)/i,
  /\bsocket: (Operation not permitted|Permission denied)/i,
  // Debian traceroute with a raw method (-I, -T) as non-root.
  /You do not have enough privileges/i,
  // busybox ping without NET_RAW.
  /permission denied \(are you root\?\)/i,
  /\bcan't create raw socket\b/i,
  /Operation not permitted/i,
];

/**
 * Lines where EPERM comes from the network stack, not from missing privilege: a netfilter OUTPUT
 * rule that drops a locally generated packet makes send()/connect() fail with EPERM.
 */
const NETWORK_EPERM = /\b(send|sendto|sendmsg|connect)\b[^\n]*Operation not permitted/i;

function capabilityEvidence(log: string): string | null {
  for (const line of log.split('\n')) {
    if (NETWORK_EPERM.test(line)) continue;
    if (CAPABILITY_LINES.some((re) => re.test(line))) return line.trim();
  }
  return null;
}

/**
 * Recognises privilege failures in a probe's output, container status or API error. Returns
 * null when the facts say nothing about privilege (the probe ran, or failed for another reason).
 */
export function detectPrivilegeProblem(facts: ProbeFailureFacts): PrivilegeProblem | null {
  const message = facts.message ?? '';
  if (facts.errorCode === 'forbidden' || /\bis forbidden\b/.test(message)) {
    if (/PodSecurity/.test(message)) {
      return {
        kind: 'pod-security',
        explanation:
          "The namespace's Pod Security admission refused the probe. hostNetwork probes and busybox's NET_RAW need a namespace labelled pod-security.kubernetes.io/enforce: privileged (or baseline for the probe image's pods); podpath's probe image on the pod strategy passes restricted.",
        evidence: message,
      };
    }
    if (facts.errorCode === 'forbidden') {
      return {
        kind: 'rbac',
        explanation:
          "podpath's account is not allowed to start this probe (RBAC). See the README's RBAC section for the permissions each strategy needs.",
        evidence: message,
      };
    }
  }
  if (
    facts.reason === 'CreateContainerConfigError' &&
    /runAsNonRoot|non-root|run as root/i.test(message)
  ) {
    return {
      kind: 'non-root',
      explanation:
        "The probe image runs as root but the probe (or the namespace policy) requires runAsNonRoot, so the container was never created. busybox runs as root; podpath's probe image runs as nobody (uid 65534).",
      evidence: message,
    };
  }
  const evidence = facts.exitCode === 0 ? null : capabilityEvidence(facts.log ?? '');
  if (evidence) return { kind: 'capability', explanation: RAW_SOCKET, evidence };
  return null;
}
