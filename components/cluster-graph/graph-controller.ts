/**
 * The imperative side of the cluster graph (Kiali's pattern): React never re-renders the
 * cytoscape host; it hands models, highlights and themes to this controller, which applies
 * them to the one `cy` instance by element id inside `cy.batch()`, re-running the layout only
 * when the graph's shape changed. What cytoscape actually holds is published back as plain data
 * for the accessible mirror and the tests.
 */
import type { Core, ElementDefinition, EventObject, StylesheetStyle } from 'cytoscape';
import { diffGraph } from './diff';
import { HIGHLIGHT_CLASSES, highlightClasses } from './highlight';
import { layoutGraph, type LaidOutGraph } from './layout';
import { graphBackground, graphStylesheet } from './stylesheet';
import type { GraphEdgeData, GraphHighlight, GraphModel, GraphNodeData, Theme } from './types';

/** One element as cytoscape holds it, read back after each change. */
export type DrawnElement =
  | {
      group: 'nodes';
      data: GraphNodeData;
      classes: string[];
      /** Where it is on screen (its centre, in CSS pixels of the canvas), for tests that click. */
      rendered: { x: number; y: number } | null;
    }
  | { group: 'edges'; data: GraphEdgeData; classes: string[] };

/** Endpoints picked for a trace, drawn with their own rings. */
export interface GraphPicks {
  from: string | null;
  to: string | null;
}

/** Node kinds a click can pick as a trace endpoint. */
const PICKABLE = 'node.pod, node.service, node.k8s-node, node.hop';
const PICK_CLASSES = ['pick-from', 'pick-to'] as const;

export interface DrawnGraph {
  /** Bumped on every change, so tests can wait for the canvas to settle. */
  version: number;
  elements: DrawnElement[];
}

const FIT_PADDING = 36;
const MAX_FIT_ZOOM = 1.25;
const FOCUS_PADDING = 72;
const EMPTY: DrawnGraph = { version: 0, elements: [] };

export class GraphController {
  private cy: Core | null = null;
  private drawnModel: LaidOutGraph | null = null;
  private wanted: LaidOutGraph | null = null;
  private highlight: GraphHighlight = { selected: null, matches: null };
  private theme: Theme = 'light';
  private drawn: DrawnGraph = EMPTY;
  private readonly drawnListeners = new Set<() => void>();
  private readonly selectListeners = new Set<(id: string | null) => void>();
  private readonly pickListeners = new Set<(id: string) => void>();
  private picks: GraphPicks = { from: null, to: null };
  private publishFrame: number | null = null;

  /** Takes over a fresh `cy` instance and draws whatever was set before it existed. */
  attach(cy: Core): void {
    this.cy = cy;
    this.drawnModel = null;
    cy.style(graphStylesheet(this.theme) as unknown as StylesheetStyle[]);
    cy.on('tap', 'node.pod', (evt: EventObject) => this.emitSelect(evt.target.id() as string));
    cy.on('tap', PICKABLE, (evt: EventObject) => {
      for (const l of this.pickListeners) l(evt.target.id() as string);
    });
    cy.on('tap', (evt: EventObject) => {
      if (evt.target === cy) this.emitSelect(null);
    });
    // Screen positions follow pans and zooms; republished once per frame at most.
    cy.on('viewport resize', () => this.schedulePublish());
    this.sync();
  }

  detach(): void {
    if (this.publishFrame !== null) clearTimeout(this.publishFrame);
    this.publishFrame = null;
    this.cy = null;
    this.drawnModel = null;
  }

  setModel(model: GraphModel): void {
    this.wanted = layoutGraph(model);
    this.sync();
  }

  setHighlight(highlight: GraphHighlight): void {
    const moved = highlight.selected !== this.highlight.selected;
    this.highlight = highlight;
    if (!this.cy || !this.wanted) return;
    this.applyHighlight(this.cy, this.wanted);
    this.publish();
    if (moved && highlight.selected) this.reveal(highlight.selected);
  }

  setTheme(theme: Theme): void {
    if (theme === this.theme) return;
    this.theme = theme;
    this.cy?.style(graphStylesheet(theme) as unknown as StylesheetStyle[]);
  }

  /** The picked trace endpoints, ringed on the canvas (ids that are not drawn are ignored). */
  setPicks(picks: GraphPicks): void {
    this.picks = picks;
    if (!this.cy || !this.wanted) return;
    this.applyHighlight(this.cy, this.wanted);
    this.publish();
  }

  /** Called with the element id of a pod, Service, node box or trace hop when it is clicked. */
  onPick(listener: (id: string) => void): () => void {
    this.pickListeners.add(listener);
    return () => this.pickListeners.delete(listener);
  }

  /** The whole graph as a PNG, twice the screen resolution, on the theme's background. */
  async png(): Promise<Blob | null> {
    const cy = this.cy;
    if (!cy) return null;
    const blob = cy.png({
      output: 'blob-promise',
      full: true,
      scale: 2,
      bg: graphBackground(this.theme),
    }) as unknown as Promise<Blob>;
    return blob;
  }

  /** Called with a pod's element id when it is clicked, null for a click on the background. */
  onSelect(listener: (id: string | null) => void): () => void {
    this.selectListeners.add(listener);
    return () => this.selectListeners.delete(listener);
  }

  /** Fits the graph in view, never closer than MAX_FIT_ZOOM (a small graph stays readable). */
  fit(): void {
    const cy = this.cy;
    if (!cy) return;
    cy.fit(undefined, FIT_PADDING);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
  }

  /**
   * Brings these elements into view with one short animation (never closer than MAX_FIT_ZOOM):
   * a finished trace's path, say. Ids that are not drawn are ignored.
   */
  focus(ids: readonly string[]): void {
    const cy = this.cy;
    if (!cy) return;
    const eles = cy.collection();
    for (const id of ids) eles.merge(cy.getElementById(id));
    if (eles.empty()) return;
    const box = eles.boundingBox({});
    const w = cy.width();
    const h = cy.height();
    const zoom = Math.min(
      MAX_FIT_ZOOM,
      (w - 2 * FOCUS_PADDING) / Math.max(box.w, 1),
      (h - 2 * FOCUS_PADDING) / Math.max(box.h, 1),
    );
    const level = Math.max(cy.minZoom(), zoom);
    const pan = {
      x: w / 2 - level * (box.x1 + box.w / 2),
      y: h / 2 - level * (box.y1 + box.h / 2),
    };
    cy.stop();
    cy.animate({ zoom: level, pan }, { duration: 350 });
  }

  zoomBy(factor: number): void {
    const cy = this.cy;
    if (!cy) return;
    const { w, h } = { w: cy.width(), h: cy.height() };
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: w / 2, y: h / 2 } });
  }

  /** Tells cytoscape its container changed size. */
  resize(): void {
    this.cy?.resize();
  }

  /** For useSyncExternalStore. */
  readonly subscribeDrawn = (listener: () => void): (() => void) => {
    this.drawnListeners.add(listener);
    return () => this.drawnListeners.delete(listener);
  };

  readonly getDrawn = (): DrawnGraph => this.drawn;

  readonly getServerDrawn = (): DrawnGraph => EMPTY;

  private emitSelect(id: string | null): void {
    for (const l of this.selectListeners) l(id);
  }

  private sync(): void {
    const cy = this.cy;
    const next = this.wanted;
    if (!cy || !next) return;
    const diff = diffGraph(this.drawnModel, next);
    cy.batch(() => {
      for (const id of diff.remove) cy.getElementById(id).remove();
      // Every element is added with its preset position; cytoscape sizes compound boxes.
      cy.add(diff.add as ElementDefinition[]);
      for (const el of diff.updateData) cy.getElementById(el.data.id).data(el.data);
      for (const { id, classes } of diff.updateClasses) cy.getElementById(id).classes(classes);
      if (diff.shapeChanged) {
        for (const n of next.nodes) {
          if (n.position) cy.getElementById(n.data.id).position(n.position);
        }
      }
      this.applyHighlight(cy, next);
    });
    this.drawnModel = next;
    if (diff.shapeChanged) this.fit();
    this.publish();
  }

  private applyHighlight(cy: Core, model: LaidOutGraph): void {
    const wanted = highlightClasses(model, this.highlight);
    cy.batch(() => {
      cy.elements().removeClass([...HIGHLIGHT_CLASSES, ...PICK_CLASSES]);
      for (const [id, classes] of wanted) cy.getElementById(id).addClass(classes);
      if (this.picks.from) cy.getElementById(this.picks.from).addClass('pick-from');
      if (this.picks.to) cy.getElementById(this.picks.to).addClass('pick-to');
    });
  }

  /** Pans to the selected element if it is outside the viewport; never zooms. */
  private reveal(id: string): void {
    const cy = this.cy;
    const ele = cy?.getElementById(id);
    if (!cy || !ele || ele.empty()) return;
    const box = ele.boundingBox({});
    const view = cy.extent();
    const inside = box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2;
    if (!inside) cy.animate({ center: { eles: ele } }, { duration: 200 });
  }

  private schedulePublish(): void {
    if (this.publishFrame !== null) return;
    // A timer rather than requestAnimationFrame: it also runs in headless cytoscape (tests).
    this.publishFrame = setTimeout(() => {
      this.publishFrame = null;
      this.publish();
    }, 32) as unknown as number;
  }

  private publish(): void {
    const cy = this.cy;
    if (!cy) return;
    const elements: DrawnElement[] = [];
    cy.elements().forEach((ele) => {
      const classes = ele.classes() as unknown as string[];
      const data: unknown = ele.data();
      if (ele.group() === 'nodes') {
        const p = ele.renderedPosition();
        elements.push({
          group: 'nodes',
          data: data as GraphNodeData,
          classes,
          rendered: { x: Math.round(p.x), y: Math.round(p.y) },
        });
      } else {
        elements.push({ group: 'edges', data: data as GraphEdgeData, classes });
      }
    });
    this.drawn = { version: this.drawn.version + 1, elements };
    for (const l of this.drawnListeners) l();
  }
}
