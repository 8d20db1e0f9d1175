/**
 * Restoring from a snapshot's details: one file, or the whole snapshot (a checkout). Both go
 * the way rolling back a cell's inputs goes: a preview of what would change, a confirmation,
 * then the restore, which keeps unsaved current content in a safety snapshot first.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import type { IRestoreResult } from '../types';
import { restoredText } from '../restoreplan';
import { planTable } from './cellpanel';
import { h } from './dom';

/** What one restore from the details does: its words and its two calls. */
interface IRestoreFlow {
  title: string;
  action: string;
  preview: () => Promise<IRestoreResult>;
  run: () => Promise<IRestoreResult>;
}

/** Preview, confirm, restore; true when files were restored. */
async function runFlow(flow: IRestoreFlow): Promise<boolean> {
  let plan: IRestoreResult;
  try {
    plan = await flow.preview();
  } catch {
    return false; // the model reported it
  }
  const changes = plan.items.filter(item => item.action !== 'unchanged').length;
  const answer = await showDialog({
    title: flow.title,
    body: new Widget({
      node: h(
        'div',
        { className: 'jp-mlversion-restore-plan' },
        planTable(plan),
        changes
          ? h(
              'p',
              { className: 'jp-mlversion-hint' },
              'Current content no snapshot holds is kept in a safety snapshot first.'
            )
          : null
      )
    }),
    buttons: [
      Dialog.cancelButton(),
      Dialog.warnButton({ label: changes ? `${flow.action} ${changes} file(s)` : 'OK' })
    ]
  });
  if (!answer.button.accept || changes === 0) {
    return false;
  }
  try {
    const result = await flow.run();
    Notification.success(
      restoredText(result, flow.action === 'Check out' ? 'Checked out' : 'Restored'),
      {
        autoClose: 6000
      }
    );
    return true;
  } catch {
    return false;
  }
}

/** Restore project file `path` to its state in snapshot `ref`, after a preview. */
export function restoreFile(model: VersionsModel, ref: string, path: string): Promise<boolean> {
  return runFlow({
    title: `Restore ${path} as snapshot ${ref.slice(0, 8)} holds it?`,
    action: 'Restore',
    preview: () => model.previewRestore([path], ref),
    run: () => model.restoreFiles([path], ref)
  });
}

/** Make the working tree match snapshot `ref`, after a preview. */
export function checkoutSnapshot(model: VersionsModel, ref: string): Promise<boolean> {
  return runFlow({
    title: `Check out snapshot ${ref.slice(0, 8)}?`,
    action: 'Check out',
    preview: () => model.previewCheckout(ref),
    run: () => model.checkout(ref)
  });
}

/** The "Restore" button of one file row of a snapshot's details. */
export function restoreFileButton(model: VersionsModel, ref: string, path: string): HTMLElement {
  return h(
    'button',
    {
      className: 'jp-mlversion-button jp-mod-small jp-mlversion-restore-file',
      title: `Restore ${path} to this snapshot's version`,
      'aria-label': `Restore ${path}`,
      onclick: () => void restoreFile(model, ref, path)
    },
    'Restore'
  );
}

/** The snapshot-wide actions of a snapshot's details. */
export function restoreActions(model: VersionsModel, ref: string): HTMLElement {
  return h(
    'div',
    { className: 'jp-mlversion-restore-actions' },
    h(
      'button',
      {
        className: 'jp-mlversion-button jp-mlversion-checkout',
        title: 'Make every tracked file match this snapshot',
        onclick: () => void checkoutSnapshot(model, ref)
      },
      'Check out this snapshot'
    )
  );
}
