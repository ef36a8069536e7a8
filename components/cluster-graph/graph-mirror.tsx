'use client';

import { useSyncExternalStore } from 'react';
import type { DrawnElement, GraphController } from './graph-controller';
import type { GraphNodeData } from './types';

type DrawnNode = Extract<DrawnElement, { group: 'nodes' }>;
type DrawnEdge = Extract<DrawnElement, { group: 'edges' }>;

/**
 * What the canvas holds, as an accessible structure: screen readers get the picture as nested
 * lists, and tests read the same lists instead of pixels. It is rendered from the elements
 * cytoscape actually holds (read back by the controller), not from the model, so it cannot
 * claim something is drawn when it is not.
 */
export function GraphMirror({ controller }: { controller: GraphController }) {
  const drawn = useSyncExternalStore(
    controller.subscribeDrawn,
    controller.getDrawn,
    controller.getServerDrawn,
  );
  const nodes = drawn.elements.filter((e): e is DrawnNode => e.group === 'nodes');
  const childrenOf = (parent: string) => nodes.filter((n) => n.data.parent === parent);
  const k8sNodes = nodes.filter((n) => n.data.kind === 'k8s-node');
  const services = nodes.filter((n) => n.data.kind === 'service');
  const hops = nodes.filter((n) => n.data.kind === 'hop');
  const traceLinks = drawn.elements
    .filter((e): e is DrawnEdge => e.group === 'edges' && e.data.kind === 'trace')
    .sort((a, b) => (a.data.index ?? 0) - (b.data.index ?? 0));
  const endpointsOf = (serviceId: string) =>
    drawn.elements
      .filter(
        (e) => e.group === 'edges' && e.data.kind === 'endpoint' && e.data.source === serviceId,
      )
      .map((e) => (e.group === 'edges' ? e.data.target : ''));

  return (
    <div className="sr-only" data-testid="graph-contents" data-version={drawn.version}>
      <h2>Drawn in the cluster graph</h2>
      <ul aria-label="Nodes">
        {k8sNodes.map((node) => {
          const d = node.data;
          if (d.kind !== 'k8s-node') return null;
          const kids = childrenOf(d.id);
          return (
            <li key={d.id} {...attrs(node)} data-name={d.name}>
              Node {d.name}, InternalIP {d.internalIP ?? 'none'}, podCIDR {d.podCIDR ?? 'none'}
              {d.ready ? '' : ', not ready'}
              <ul aria-label={`Interfaces of ${d.name}`}>
                {kids.map((k) =>
                  k.data.kind === 'interface' ? (
                    <li key={k.data.id} {...attrs(k)} data-name={k.data.name}>
                      {k.data.name} {k.data.ip ?? 'no address'}
                    </li>
                  ) : null,
                )}
              </ul>
              <ul aria-label={`Pods on ${d.name}`}>
                {kids.map((k) =>
                  k.data.kind === 'pod' ? (
                    <li
                      key={k.data.id}
                      {...attrs(k)}
                      data-name={k.data.name}
                      data-namespace={k.data.namespace}
                      data-host-network={String(k.data.hostNetwork)}
                    >
                      Pod {k.data.namespace}/{k.data.name} {k.data.ip ?? 'no IP'}
                      {k.data.hostNetwork ? ', host network' : ''}
                      {k.data.ready ? '' : ', not ready'}
                      {stateText(k)}
                    </li>
                  ) : null,
                )}
              </ul>
            </li>
          );
        })}
      </ul>
      <ul aria-label="Services">
        {services.map((s) => {
          const d = s.data;
          if (d.kind !== 'service') return null;
          return (
            <li
              key={d.id}
              {...attrs(s)}
              data-name={d.name}
              data-namespace={d.namespace}
              data-cluster-ip={d.clusterIP ?? ''}
              data-ingress-ips={d.ingressIPs.join(' ')}
            >
              Service {d.namespace}/{d.name}, {d.type}
              {d.headless ? ', headless' : `, cluster IP ${d.clusterIP ?? 'none'}`}
              {d.ingressIPs.length > 0 ? `, load balancer ${d.ingressIPs.join(', ')}` : ''}
              {d.externalTrafficPolicy === 'Local' ? ', externalTrafficPolicy Local' : ''}
              {d.type === 'ExternalName'
                ? ''
                : d.endpointCount === 0
                  ? ', no endpoints'
                  : `, endpoints ${endpointsOf(d.id)
                      .map((id) => id.replace(/^pod:/, ''))
                      .join(', ')}`}
              {stateText(s)}
            </li>
          );
        })}
      </ul>
      {traceLinks.length > 0 && (
        <ol aria-label="Trace path">
          {traceLinks.map((e) => (
            <li
              key={e.data.id}
              data-testid="graph-trace-link"
              data-index={e.data.index}
              data-source={e.data.source}
              data-target={e.data.target}
              data-state={e.data.state}
              data-label={e.data.label ?? ''}
              data-classes={e.classes.join(' ')}
            >
              {e.data.source} to {e.data.target}: {e.data.state}
              {e.data.label ? ` (${e.data.label})` : ''}
            </li>
          ))}
        </ol>
      )}
      {hops.length > 0 && (
        <ul aria-label="Outside the cluster">
          {hops.map((h) =>
            h.data.kind === 'hop' ? (
              <li key={h.data.id} {...attrs(h)} data-hop-kind={h.data.hopKind}>
                {h.data.hopKind} {h.data.ip ?? h.data.label}
              </li>
            ) : null,
          )}
        </ul>
      )}
    </div>
  );
}

function attrs(el: DrawnNode) {
  const data: GraphNodeData = el.data;
  return {
    'data-testid': `graph-${data.kind}`,
    'data-id': data.id,
    'data-classes': el.classes.join(' '),
    'data-selected': String(el.classes.includes('is-selected')),
    'data-rendered': el.rendered ? `${el.rendered.x},${el.rendered.y}` : '',
  };
}

function stateText(el: DrawnNode): string {
  if (el.classes.includes('is-selected')) return ' (selected)';
  if (el.classes.includes('on-path')) return ' (on the selected pod’s path)';
  return '';
}
