/**
 * Services and EndpointSlices of a scenario in the wire shape the API server returns, for the
 * lab's own tests, the recorder and the benchmark (the demo cluster gets them from the
 * emulator instead). Endpoints are the pods the selector matches, as the EndpointSlice
 * controller computes them.
 */
import type { KubeObject } from '../emulator/store';
import type { Scenario, ScenarioPod, ScenarioService } from '../scenarios/types';

function matches(selector: Record<string, string> | undefined, pod: ScenarioPod): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => pod.labels?.[k] === v);
}

/** The v1 Service object of a scenario Service, with a LoadBalancer's ingress in its status. */
export function serviceObject(svc: ScenarioService): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, namespace: svc.namespace },
    spec: {
      type: svc.type,
      clusterIP: svc.clusterIP,
      clusterIPs: [svc.clusterIP],
      selector: svc.selector,
      ports: svc.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        targetPort: p.targetPort,
        protocol: p.protocol ?? 'TCP',
        ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      })),
      ...(svc.externalTrafficPolicy ? { externalTrafficPolicy: svc.externalTrafficPolicy } : {}),
    },
    status: {
      loadBalancer: { ingress: (svc.loadBalancerIngress ?? []).map((ip) => ({ ip })) },
    },
  };
}

/** The EndpointSlice the controller would write for a scenario Service. */
export function endpointSliceObject(scenario: Scenario, svc: ScenarioService): KubeObject {
  const pods = scenario.pods.filter(
    (p) => p.ip && p.namespace === svc.namespace && matches(svc.selector, p),
  );
  const resolve = (pod: ScenarioPod, target: number | string): number | null =>
    typeof target === 'number'
      ? target
      : (pod.ports?.find((p) => p.name === target)?.containerPort ?? null);
  const first = pods[0];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc.name}-abcde`,
      namespace: svc.namespace,
      labels: { 'kubernetes.io/service-name': svc.name },
    },
    addressType: 'IPv4',
    endpoints: pods.map((pod) => ({
      addresses: [pod.ip ?? ''],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: pod.node,
      targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
    })),
    ports: first
      ? svc.ports.map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          port: resolve(first, p.targetPort) ?? 0,
          protocol: p.protocol ?? 'TCP',
        }))
      : [],
  };
}

/** Every Service and EndpointSlice of a scenario; `change` may edit the Services first. */
export function scenarioServiceObjects(
  scenario: Scenario,
  change?: (svc: ScenarioService) => ScenarioService,
): { services: KubeObject[]; endpointSlices: KubeObject[] } {
  const services = scenario.services.map((s) => (change ? change({ ...s }) : s));
  return {
    services: services.map(serviceObject),
    endpointSlices: services.map((s) => endpointSliceObject(scenario, s)),
  };
}
