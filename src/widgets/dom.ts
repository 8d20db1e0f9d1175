/**
 * A small helper to build DOM nodes. Server strings only ever become text nodes, never HTML.
 */

/** Attributes: strings, booleans (present or not) and event listeners (`on` + event). */
export type Attrs = { [name: string]: string | number | boolean | EventListener | undefined };

/** Children: nodes, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Create an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) {
      continue;
    }
    if (typeof value === 'function') {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'className') {
      node.className = String(value);
    } else if (name === 'value' && 'value' in node) {
      (node as HTMLInputElement).value = String(value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node: Node, children: (Child | Child[])[]): void {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else if (child !== null && child !== undefined && child !== false) {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replace all children of a node. */
export function replaceChildren(node: Element, ...children: (Child | Child[])[]): void {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
  append(node, children);
}

/** A table with a header row; cells are text or nodes. */
export function table(head: string[], rows: Child[][], className = ''): HTMLTableElement {
  return h(
    'table',
    { className: `jp-mlversion-table ${className}`.trim() },
    h('thead', {}, h('tr', {}, ...head.map(name => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows.map(row => h('tr', {}, ...row.map(cell => h('td', {}, cell)))))
  );
}

/** A value as short text: numbers rounded, objects as JSON. */
export function show(value: unknown): string {
  if (value === undefined || value === null) {
    return '—';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** "2024-06-01 14:03" in the browser's time zone. */
export function when(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** "1.2 MB". */
export function bytes(size: number | undefined): string {
  if (size === undefined) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
