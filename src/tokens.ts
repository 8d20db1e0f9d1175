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
  /** Save the notebook and take a snapshot with the form's contents. */
  export const snapshot = 'mlversion:snapshot';
  /** Focus the snapshot message box. */
  export const focusMessage = 'mlversion:focus-message';
  /** Refresh status, history and names. */
  export const refresh = 'mlversion:refresh';
  /** Open the details of the selected snapshot, or the diff of the two selected. */
  export const openSelected = 'mlversion:open-selected';
  /** Focus the history list. */
  export const focusHistory = 'mlversion:focus-history';
  /** Show the data inputs of the active cell. */
  export const cellInputs = 'mlversion:cell-inputs';
  /** Roll the active cell's inputs back to the latest snapshot that ran it. */
  export const rollbackCell = 'mlversion:rollback-cell-inputs';
}

/** Commands of branches and merge (src/branchsetup.ts). */
export namespace BranchCommandIDs {
  /** Open the branch menu in the panel's header. */
  export const switchBranch = 'mlversion:switch-branch';
  /** Create a branch at the current snapshot and switch to it. */
  export const newBranch = 'mlversion:new-branch';
  /** Preview and merge another branch into the current one. */
  export const merge = 'mlversion:merge';
  /** Give up the merge in progress. */
  export const abortMerge = 'mlversion:abort-merge';
}

/** The keyboard shortcut that opens the sidebar and focuses the snapshot message. */
export const SNAPSHOT_SHORTCUT = ['Alt Shift V'];
