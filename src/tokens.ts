/**
 * Identifiers shared across the frontend: plugin, widgets and commands.
 */

/** The id of the frontend plugin (package name + plugin name). */
export const PLUGIN_ID = 'jupyter-mlversion:plugin';

/** The DOM id of the "Versions" panel in the left sidebar. */
export const SIDEBAR_ID = 'jp-mlversion-sidebar';

/** Command ids, all in the `mlversion:` namespace. */
export namespace CommandIDs {
  /** Reveal the "Versions" panel in the left sidebar. */
  export const openSidebar = 'mlversion:open-sidebar';
}
