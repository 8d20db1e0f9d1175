/**
 * The branch bar in the Versions panel's header: the current branch, a menu to switch to
 * another, create or delete one, "Merge into current...", and, when the project has a remote,
 * its ahead/behind counts with Push and Pull.
 */
import { Dialog, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Menu, Widget } from '@lumino/widgets';

import type { BranchesModel, ISwitchResult } from '../branchmodel';
import { remoteCounts, remoteDone } from '../remotetext';
import { branchName } from '../branchmodel';
import { errorText } from '../model';
import { aheadBehind } from '../mergetext';
import { h } from './dom';
import { planTable } from './cellpanel';

// Two commits on a line that forks; `jp-icon3` follows the theme's icon colour.
const BRANCH_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="6" cy="5" r="2.5"/><circle cx="6" cy="19" r="2.5"/><circle cx="18" cy="7" r="2.5"/>
    <path d="M5 7h2v10H5z"/><path d="M17 9h2c0 5-4 6-8 7l-1-2c4-1 7-1.5 7-5z"/>
  </g>
</svg>`;

export const branchIcon = new LabIcon({ name: 'jupyter-mlversion:branch', svgstr: BRANCH_SVG });

/** What the branch actions ask of the application. */
export interface IBranchHost {
  /** Save open notebooks so that what is on screen is what a safety snapshot keeps. */
  saveFirst: () => Promise<void>;
  /** The working tree changed under open documents (switch, merge, abort): reload them. */
  reload: () => Promise<void>;
  /** Start "Merge into current..." (the merge flow lives in merge.ts). */
  startMerge: () => Promise<void>;
}

/** A switch plan's count of files it writes or deletes. */
function changes(plan: ISwitchResult): number {
  return (plan.restore?.items ?? []).filter(item => item.action !== 'unchanged').length;
}

/** The current branch, its menu, and the merge button. */
export class BranchBar extends Widget {
  constructor(
    private readonly _branches: BranchesModel,
    private readonly _host: IBranchHost
  ) {
    super();
    this.addClass('jp-mlversion-BranchBar');
    this._label = h('span', { className: 'jp-mlversion-branch-name' });
    this._button = h(
      'button',
      {
        className: 'jp-mlversion-button jp-mlversion-branch-button',
        'aria-haspopup': 'menu',
        title: 'Switch to another branch, or create one'
      },
      h('span', { className: 'jp-mlversion-branch-icon' }),
      this._label,
      h('span', { className: 'jp-mlversion-caret', 'aria-hidden': 'true' }, '▾')
    );
    branchIcon.element({
      container: this._button.firstChild as HTMLElement,
      height: '14px',
      width: '14px'
    });
    this._merge = h(
      'button',
      {
        className: 'jp-mlversion-button jp-mod-small',
        title: 'Merge another branch into this one'
      },
      'Merge…'
    );
    this._remote = h('span', { className: 'jp-mlversion-remote-counts' });
    this._push = h(
      'button',
      { className: 'jp-mlversion-button jp-mod-small jp-mlversion-push' },
      'Push'
    );
    this._pull = h(
      'button',
      { className: 'jp-mlversion-button jp-mod-small jp-mlversion-pull' },
      'Pull'
    );
    this._remoteRow = h(
      'div',
      { className: 'jp-mlversion-remote-row' },
      this._remote,
      this._push,
      this._pull
    );
    this._push.addEventListener('click', () => void this.sync('push'));
    this._pull.addEventListener('click', () => void this.sync('pull'));
    this._button.addEventListener('click', () => this.openMenu());
    this._button.addEventListener('keydown', event => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.openMenu();
      }
    });
    this._merge.addEventListener('click', () => void this._host.startMerge());
    this.node.append(
      h('span', { className: 'jp-mlversion-hint' }, 'Branch'),
      this._button,
      this._merge,
      this._remoteRow
    );
    this._commands = this._menuCommands();
    _branches.changed.connect(() => this.render(), this);
    _branches.versions.changed.connect((_, part) => {
      if (part === 'busy' || part === 'project') {
        this.render();
      }
    }, this);
    this.render();
  }

  /** The menu button (for focus and tests). */
  get button(): HTMLButtonElement {
    return this._button;
  }

  render(): void {
    const model = this._branches;
    const project = model.versions.project !== null;
    this.setHidden(!project);
    const current = model.current;
    this._label.textContent = current || '…';
    this._button.setAttribute('aria-label', current ? `Branch: ${current}` : 'Branch');
    const busy = model.versions.busy !== '' || !current;
    this._button.disabled = busy;
    this._merge.disabled = busy || model.others.length === 0 || model.merge !== null;
    this._merge.title =
      model.merge !== null
        ? 'A merge is in progress: finish or abort it first'
        : model.others.length === 0
          ? 'Create a second branch to merge from'
          : `Merge another branch into ${current}`;
    const remote = model.remote;
    this._remoteRow.hidden = remote === null;
    if (remote !== null) {
      this._remote.textContent = remoteCounts(remote);
      this._remote.title = `${remote.url} (counts as of the last push, pull or fetch)`;
      const waiting = model.merge !== null;
      this._push.disabled = busy || waiting;
      this._pull.disabled = busy || waiting;
      this._push.title = waiting
        ? 'A merge is in progress: finish or abort it first'
        : `Send ${current} to ${remote.name}`;
      this._pull.title = waiting
        ? 'A merge is in progress: finish or abort it first'
        : `Bring ${remote.name}'s new snapshots into ${current}`;
    }
  }

  /** Push to, or pull from, the remote; the result or the error is a notification. */
  async sync(kind: 'push' | 'pull'): Promise<void> {
    const remote = this._branches.remote;
    if (remote === null) {
      return;
    }
    try {
      const done =
        kind === 'push'
          ? await this._branches.push(remote.name)
          : await this._branches.pull(remote.name);
      Notification.success(remoteDone(kind, remote.name, done), { autoClose: 5000 });
    } catch {
      // The model told the user.
    }
  }

  /** Open the branch menu below its button. */
  openMenu(): void {
    const menu = new Menu({ commands: this._commands });
    menu.addClass('jp-mlversion-branch-menu');
    const model = this._branches;
    for (const branch of model.branches) {
      menu.addItem({ command: 'switch', args: { name: branch.name } });
    }
    menu.addItem({ type: 'separator' });
    menu.addItem({ command: 'create' });
    const others = model.others;
    if (others.length) {
      const remove = new Menu({ commands: this._commands });
      remove.title.label = 'Delete Branch';
      for (const branch of others) {
        remove.addItem({ command: 'delete', args: { name: branch.name } });
      }
      menu.addItem({ type: 'submenu', submenu: remove });
    }
    const rect = this._button.getBoundingClientRect();
    menu.aboutToClose.connect(() => this._button.focus());
    menu.open(rect.left, rect.bottom);
    menu.activeIndex = Math.max(
      0,
      model.branches.findIndex(branch => branch.name === model.current)
    );
  }

  /** Create a branch at the current snapshot and switch to it. */
  async createBranch(): Promise<void> {
    const answer = await InputDialog.getText({
      title: 'New branch',
      label: `Made at the current snapshot of ${this._branches.current}; you switch to it and later snapshots extend it.`,
      placeholder: 'feature-x',
      okLabel: 'Create and switch'
    });
    if (!answer.button.accept || answer.value === null) {
      return;
    }
    let name: string;
    try {
      name = branchName(answer.value);
    } catch (error) {
      Notification.error(errorText(error), { autoClose: 8000 });
      return;
    }
    try {
      await this._host.saveFirst();
      await this._branches.switchTo(name, true);
      await this._host.reload();
      Notification.success(`On new branch ${name}.`, { autoClose: 4000 });
    } catch {
      // The model told the user.
    }
  }

  /** Switch to `name`: preview, confirm when files change, then switch and reload. */
  async switchTo(name: string): Promise<boolean> {
    if (name === this._branches.current) {
      return false;
    }
    try {
      await this._host.saveFirst();
      const plan = await this._branches.previewSwitch(name);
      const count = changes(plan);
      if (count) {
        const body = h(
          'div',
          {},
          h(
            'p',
            {},
            'Work not yet in a snapshot is kept in a safety snapshot first, so nothing is lost.'
          ),
          planTable({ target: name, dry_run: true, items: plan.restore?.items ?? [] })
        );
        const answer = await showDialog({
          title: `Switch to ${name}?`,
          body: new Widget({ node: body }),
          buttons: [
            Dialog.cancelButton(),
            Dialog.okButton({ label: `Switch (${count} file${count === 1 ? '' : 's'})` })
          ]
        });
        if (!answer.button.accept) {
          return false;
        }
      }
      const result = await this._branches.switchTo(name);
      await this._host.reload();
      const kept = result.restore?.safety_snapshot;
      const safety = kept ? ` Unsnapshotted work was kept in snapshot ${kept.slice(0, 8)}.` : '';
      Notification.success(`Switched to ${name}.${safety}`, { autoClose: 5000 });
      return true;
    } catch {
      return false; // the model told the user
    }
  }

  /**
   * Delete `name` after asking; when the server refuses because snapshots would be left on no
   * branch, ask a second time with its words before deleting anyway.
   */
  async deleteBranch(name: string): Promise<void> {
    const answer = await showDialog({
      title: `Delete branch ${name}?`,
      body: 'Snapshots it shares with other branches stay in their history.',
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (!answer.button.accept) {
      return;
    }
    try {
      const refusal = await this._branches.removeIfMerged(name);
      if (refusal !== null) {
        const again = await showDialog({
          title: `${name} is not merged`,
          body: refusal,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete anyway' })]
        });
        if (!again.button.accept) {
          return;
        }
        await this._branches.remove(name, true);
      }
      Notification.success(`Branch ${name} deleted.`, { autoClose: 4000 });
    } catch {
      // The model told the user.
    }
  }

  private _menuCommands(): CommandRegistry {
    const commands = new CommandRegistry();
    const model = this._branches;
    const find = (name: unknown) => model.branches.find(branch => branch.name === name);
    commands.addCommand('switch', {
      label: args => {
        const branch = find(args.name);
        const standing = branch ? aheadBehind(branch) : '';
        return standing ? `${String(args.name)} · ${standing}` : String(args.name);
      },
      caption: args => `Switch to ${String(args.name)}`,
      isToggled: args => args.name === model.current,
      execute: args => void this.switchTo(String(args.name))
    });
    commands.addCommand('create', {
      label: 'New Branch…',
      execute: () => void this.createBranch()
    });
    commands.addCommand('delete', {
      label: args => String(args.name),
      execute: args => void this.deleteBranch(String(args.name))
    });
    return commands;
  }

  private _label: HTMLSpanElement;
  private _button: HTMLButtonElement;
  private _merge: HTMLButtonElement;
  private _remoteRow: HTMLDivElement;
  private _remote: HTMLSpanElement;
  private _push: HTMLButtonElement;
  private _pull: HTMLButtonElement;
  private _commands: CommandRegistry;
}
