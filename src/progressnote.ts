/**
 * The notification that follows long work (snapshot, restore, check out).
 *
 * It appears only when the work outlasts SHOW_AFTER_MS: a toast updated or dismissed right
 * after it was shown (before JupyterLab drew it) stayed on screen, spinning, after its job had
 * finished; most work ends well within a second and shows no toast at all. When the work
 * ends, the toast turns into a closing "done" (or "failed") one instead of vanishing.
 */
import { Notification } from '@jupyterlab/apputils';

import type { VersionsModel } from './model';

/** How long work runs before its progress is shown. */
export const SHOW_AFTER_MS = 1000;

/** What the toast shows: a pure function, so the words are tested without a browser. */
export function progressMessage(title: string, text: string): string {
  return `${title}: ${text || 'working…'}`;
}

/** Show the model's long work as one notification at a time. */
export function showProgress(model: VersionsModel): void {
  let id = '';
  let title = '';
  let text = '';
  let failed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  model.failed.connect(() => {
    failed = true;
  });
  model.progress.connect((_, progress) => {
    if (progress !== null) {
      if (!title) {
        failed = false;
      }
      title = progress.title;
      text = progress.text;
      if (id) {
        Notification.update({ id, message: progressMessage(title, text), type: 'in-progress' });
      } else if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          id = Notification.emit(progressMessage(title, text), 'in-progress', {
            autoClose: false
          });
        }, SHOW_AFTER_MS);
      }
      return;
    }
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (id) {
      Notification.update({
        id,
        message: `${title}: ${failed ? 'failed' : 'done'}`,
        type: failed ? 'error' : 'success',
        autoClose: 3000
      });
    }
    id = '';
    title = '';
  });
}
