/**
 * The lineage view: cells, files and file versions as boxes, read and write edges between
 * them, laid out in layers (see lineage/layout.ts) and drawn as one SVG. Clicking a box
 * highlights its edges and opens it: a cell in its notebook, a version as a file diff.
 */
import { Widget } from '@lumino/widgets';

import { edgePath, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../lineage/layout';
import type { ILayout } from '../lineage/layout';
import type { ILineageGraph, ILineageNode } from '../lineage/types';
import { h, replaceChildren } from './dom';

const SVG = 'http://www.w3.org/2000/svg';

/** What a click on a node does; the plugin supplies these. */
export interface ILineageActions {
  openCell(node: ILineageNode): void;
  openVersion(node: ILineageNode): void;
  openFile(node: ILineageNode): void;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: { [name: string]: string | number }
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, String(value));
  }
  return node;
}

/** The label shown in a box: ends of long paths are kept, as they name the file. */
export function shortLabel(text: string, room = 24): string {
  return text.length <= room ? text : `…${text.slice(text.length - room + 1)}`;
}

/** What a box says under its title. */
function subtitle(node: ILineageNode): string {
  if (node.kind === 'cell') {
    return `${node.notebook ?? 'no notebook'} · ${(node.snapshot ?? '').slice(0, 8)}`;
  }
  if (node.kind === 'version') {
    const aliases = (node.aliases ?? []).map(a => `@${a}`).join(' ');
    return `${(node.snapshot ?? '').slice(0, 8)} ${aliases}`.trim();
  }
  return `${node.versions ?? 0} version(s)`;
}

/** The SVG drawing of one graph, with selection and highlighting. */
export class LineageGraphView extends Widget {
  constructor(
    readonly graph: ILineageGraph,
    private readonly _actions: ILineageActions
  ) {
    super();
    this.addClass('jp-mlversion-LineageGraph');
    this.layout_ = layoutGraph(graph);
    this.render();
  }

  /** Milliseconds the last full draw took (layout excluded), for the W10-style measure. */
  renderMs = 0;

  /** The id of the selected node ('' = none). */
  get selected(): string {
    return this._selected;
  }

  render(): void {
    const started = performance.now();
    const { placed, edges, width, height } = this.layout_;
    const root = svg('svg', {
      width: width + 40,
      height: height + 20,
      viewBox: `-30 -10 ${width + 40} ${height + 20}`,
      role: 'group',
      'aria-label': `Lineage of ${this.graph.path}`
    });
    const edgeLayer = svg('g', { class: 'jp-mlversion-lineage-edges' });
    this._edgeNodes = edges.map(edge => {
      const from = placed.get(edge.source);
      const to = placed.get(edge.target);
      const path = svg('path', {
        d: from && to ? edgePath(from, to) : '',
        class: `jp-mlversion-lineage-edge jp-mod-${edge.kind}${edge.changed_since ? ' jp-mod-changed' : ''}`
      });
      edgeLayer.appendChild(path);
      return path;
    });
    root.appendChild(edgeLayer);
    const nodeLayer = svg('g', { class: 'jp-mlversion-lineage-nodes' });
    const roots = new Set(this.graph.roots);
    this._boxes.clear();
    for (const { node, x, y } of placed.values()) {
      const box = svg('g', {
        class: `jp-mlversion-lineage-node jp-mod-${node.kind}${roots.has(node.id) ? ' jp-mod-root' : ''}`,
        transform: `translate(${x},${y})`,
        role: 'button',
        tabindex: 0,
        'data-id': node.id,
        'aria-label': `${node.kind} ${node.label}`
      });
      box.appendChild(
        svg('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: node.kind === 'cell' ? 12 : 3 })
      );
      const title = svg('text', { x: 8, y: 12, class: 'jp-mlversion-lineage-title' });
      title.textContent = shortLabel(node.kind === 'cell' ? `cell ${node.label}` : node.label);
      const sub = svg('text', { x: 8, y: 25, class: 'jp-mlversion-lineage-sub' });
      sub.textContent = shortLabel(subtitle(node), 30);
      const tip = svg('title', {});
      tip.textContent = node.label;
      box.append(tip, title, sub);
      nodeLayer.appendChild(box);
      this._boxes.set(node.id, box);
    }
    root.appendChild(nodeLayer);
    // One listener for every box: 200 nodes need no 200 closures.
    root.addEventListener('click', event => this._onEvent(event));
    root.addEventListener('keydown', event => {
      if ((event as KeyboardEvent).key === 'Enter') {
        this._onEvent(event);
      }
    });
    replaceChildren(this.node, root);
    this.renderMs = performance.now() - started;
    this.node.dataset.renderMs = this.renderMs.toFixed(1);
  }

  /** Select a node: its edges are highlighted, the others dimmed. Returns the time it took. */
  select(id: string): number {
    const started = performance.now();
    this._boxes.get(this._selected)?.classList.remove('jp-mod-selected');
    for (const index of this._lit) {
      this._edgeNodes[index]?.classList.remove('jp-mod-lit');
    }
    this._selected = id;
    this._lit = this.layout_.neighbours.get(id) ?? [];
    this._boxes.get(id)?.classList.add('jp-mod-selected');
    for (const index of this._lit) {
      this._edgeNodes[index]?.classList.add('jp-mod-lit');
    }
    this.node.classList.toggle('jp-mod-focused', id !== '');
    const took = performance.now() - started;
    this.node.dataset.selectMs = took.toFixed(1);
    return took;
  }

  private _onEvent(event: Event): void {
    const box = (event.target as Element).closest('.jp-mlversion-lineage-node');
    const id = box?.getAttribute('data-id');
    const node = id ? this.layout_.placed.get(id)?.node : undefined;
    if (!node) {
      return;
    }
    this.select(node.id);
    if (node.kind === 'cell') {
      this._actions.openCell(node);
    } else if (node.kind === 'version') {
      this._actions.openVersion(node);
    } else {
      this._actions.openFile(node);
    }
  }

  private readonly layout_: ILayout;
  private _boxes = new Map<string, SVGGElement>();
  private _edgeNodes: SVGPathElement[] = [];
  private _lit: number[] = [];
  private _selected = '';
}

/** A line over the drawing: what it shows and whether the server cut it. */
export function graphSummary(graph: ILineageGraph): HTMLElement {
  const count = (kind: string): number => graph.nodes.filter(n => n.kind === kind).length;
  return h(
    'p',
    { className: 'jp-mlversion-lineage-summary' },
    `${count('version')} version(s) of ${count('file')} file(s), ${count('cell')} cell run(s)`,
    graph.truncated ? ' (cut: the graph is larger than the panel asks for)' : ''
  );
}
