/** jsdom lacks DragEvent, which @lumino/dragdrop references when it loads. */
if (typeof (globalThis as { DragEvent?: unknown }).DragEvent === 'undefined') {
  Object.assign(globalThis, { DragEvent: class DragEvent extends MouseEvent {} });
}
export {};
