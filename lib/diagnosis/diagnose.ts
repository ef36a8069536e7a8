import type { Finding } from '@/lib/trace/types';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeRunner, Rule } from './types';

export interface Diagnosis {
  findings: Finding[];
  /** What the reader should know about the diagnosis itself: extra probes run, a rule that failed. */
  notes: string[];
  /** Raw output of the extra probes, keyed by request key, for the result's `raw`. */
  raw: Record<string, string>;
}

const severityOrder: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * Runs the rules that apply, first the extra probes they ask for (each distinct probe once,
 * all at the same time), then each rule's evaluation. A rule that throws is reported in the
 * notes and does not sink the others. Findings come out errors first, then by link.
 */
export async function diagnose(
  input: DiagnosisInput,
  rules: readonly Rule[],
  runExtra: ExtraProbeRunner,
): Promise<Diagnosis> {
  const notes: string[] = [];
  const applicable = rules.filter((rule) => guard(notes, rule, () => rule.applies(input), false));

  const requests = new Map<string, ExtraProbeRequest>();
  for (const rule of applicable) {
    for (const request of guard(notes, rule, () => rule.probes?.(input) ?? [], [])) {
      if (!requests.has(request.key)) requests.set(request.key, request);
    }
  }
  const extra =
    requests.size > 0 ? await runExtra([...requests.values()]) : new Map<string, never>();
  const raw: Record<string, string> = {};
  for (const [key, result] of extra) {
    raw[key] = result.raw;
    notes.push(
      result.ok
        ? `extra probe (${result.request.why}) ran from ${describeSource(result.request)}`
        : `extra probe (${result.request.why}) could not run: ${result.error ?? 'unknown reason'}`,
    );
  }

  const findings = applicable.flatMap((rule) =>
    guard(notes, rule, () => rule.evaluate(input, extra), []),
  );
  findings.sort(
    (a, b) =>
      severityOrder[a.severity] - severityOrder[b.severity] ||
      (a.link ?? Number.MAX_SAFE_INTEGER) - (b.link ?? Number.MAX_SAFE_INTEGER),
  );
  return { findings, notes, raw };
}

function guard<T>(notes: string[], rule: Rule, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    notes.push(`rule ${rule.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return fallback;
  }
}

function describeSource(request: ExtraProbeRequest): string {
  return request.from.kind === 'node'
    ? `the host network of ${request.from.node}`
    : `pod ${request.from.namespace}/${request.from.name}`;
}
