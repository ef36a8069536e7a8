'use client';

import type { Core } from 'cytoscape';
import { memo, useEffect, useRef } from 'react';
import type { GraphController } from './graph-controller';

export interface ClusterGraphProps {
  controller: GraphController;
}

/**
 * The cytoscape host. It renders once and never again (the memo comparator says props never
 * change): every update reaches the canvas through the controller, by element id, so React
 * reconciliation can never fight cytoscape over the DOM.
 */
function ClusterGraphHost({ controller }: ClusterGraphProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let cy: Core | null = null;
    let cancelled = false;
    const resize = new ResizeObserver(() => controller.resize());
    // cytoscape touches `window` when it loads, so it is loaded in the browser only.
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (cancelled) return;
      cy = cytoscape({
        container: el,
        elements: [],
        layout: { name: 'preset' },
        minZoom: 0.15,
        maxZoom: 3,
        boxSelectionEnabled: false,
        autoungrabify: true,
        autounselectify: true,
      });
      controller.attach(cy);
      resize.observe(el);
    });
    return () => {
      cancelled = true;
      resize.disconnect();
      controller.detach();
      cy?.destroy();
    };
  }, [controller]);

  // cytoscape's injected (unlayered) CSS makes its container position:relative, beating
  // Tailwind's layered `absolute`; so the container fills a positioned wrapper instead.
  return (
    <div aria-hidden="true" className="absolute inset-0">
      <div ref={container} data-testid="cluster-graph-canvas" className="h-full w-full" />
    </div>
  );
}

export const ClusterGraph = memo(ClusterGraphHost, () => true);
