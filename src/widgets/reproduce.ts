/**
 * Reproduce: after rolling a cell's inputs back and re-running it, compare its outputs,
 * written files and metrics with what a snapshot recorded. The notebook is saved first;
 * the server reads the saved notebook and the kernel's journal (see the README).
 */
import { Panel, Widget } from '@lumino/widgets';

import { errorText } from '../model';
import type { VersionsModel } from '../model';
import type { IReproduceReport } from '../lineage/types';
import type { IFileDiff } from '../types';
import { h, replaceChildren, show, table } from './dom';
import { fileDiffBody } from './lineageView';
import { INotebookDiffContext, notebookDiff } from './notebookdiff';

/** One line per difference of a report (empty when it reproduced). */
export function differences(report: IReproduceReport): string[] {
  const out: string[] = [];
  if (!report.outputs.same) {
    out.push(`outputs differ${report.outputs.note ? ` (${report.outputs.note})` : ''}`);
  }
  for (const file of report.files) {
    if (file.status !== 'same') {
      out.push(`${file.path}: ${file.status}`);
    }
  }
  for (const metric of report.metrics) {
    if (metric.same === false) {
      out.push(`${metric.name}: ${show(metric.recorded)} → ${show(metric.now)}`);
    }
  }
  return out;
}

/** The sidebar section: choose the snapshot, check, read the verdict. */
export class ReproducePanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _saveFirst: () => Promise<void>,
    private readonly _openReport: (report: IReproduceReport) => void
  ) {
    super();
    this.addClass('jp-mlversion-ReproducePanel');
    _model.changed.connect((_, part) => {
      if (part === 'cell' || part === 'project') {
        if (part === 'project' || this._report?.cell_id !== _model.cell?.id) {
          this._report = null;
          this._error = '';
        }
        this.render();
      }
    }, this);
    this.render();
  }

  /** The last report shown. */
  get report(): IReproduceReport | null {
    return this._report;
  }

  render(): void {
    const runs = this._model.lineage?.runs ?? [];
    if (!this._model.project || !this._model.cell) {
      replaceChildren(
        this.node,
        h('p', { className: 'jp-mlversion-hint' }, 'Select a code cell to check its reproduction.')
      );
      return;
    }
    if (runs.length === 0) {
      replaceChildren(
        this.node,
        h('p', { className: 'jp-mlversion-hint' }, 'No snapshot recorded this cell yet.')
      );
      return;
    }
    const choice = h(
      'select',
      { className: 'jp-mlversion-input', 'aria-label': 'Compare with snapshot' },
      runs.map(run =>
        h(
          'option',
          { value: run.snapshot },
          `${run.snapshot.slice(0, 8)} ${run.message.split('\n')[0]}`
        )
      )
    );
    choice.value = this._at || runs[runs.length - 1].snapshot;
    const check = h(
      'button',
      {
        className: 'jp-mlversion-button',
        onclick: () => void this.check(choice.value)
      },
      'Check reproduction'
    );
    replaceChildren(
      this.node,
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        'After rolling the inputs back and re-running the cell: same outputs, files and metrics?'
      ),
      h('div', { className: 'jp-mlversion-inline-form' }, choice, check),
      this._verdict()
    );
  }

  /** Save the notebook, ask the server, show the verdict. */
  async check(at: string): Promise<IReproduceReport | null> {
    this._at = at;
    this._error = '';
    try {
      await this._saveFirst();
      this._report = await this._model.reproduce(at);
    } catch (error) {
      this._report = null;
      this._error = errorText(error);
    }
    this.render();
    return this._report;
  }

  private _verdict(): HTMLElement | null {
    if (this._error) {
      return h('p', { className: 'jp-mod-error' }, this._error);
    }
    const report = this._report;
    if (!report) {
      return null;
    }
    const lines = differences(report);
    return h(
      'div',
      { className: 'jp-mlversion-reproduce-result' },
      h(
        'p',
        {
          className: `jp-mlversion-reproduce-verdict ${report.reproduced ? 'jp-mod-ok' : 'jp-mod-differs'}`
        },
        report.reproduced
          ? `Reproduced: same outputs, files and metrics as ${report.recorded_in.slice(0, 8)}`
          : `Differs from ${report.recorded_in.slice(0, 8)}`
      ),
      lines.length
        ? h(
            'ul',
            { className: 'jp-mlversion-reproduce-diffs' },
            lines.map(l => h('li', {}, l))
          )
        : null,
      report.notes.map(note => h('p', { className: 'jp-mlversion-hint' }, note)),
      report.reproduced
        ? null
        : h(
            'button',
            {
              className: 'jp-mlversion-button jp-mod-small',
              onclick: () => this._openReport(report)
            },
            'Show differences'
          )
    );
  }

  private _report: IReproduceReport | null = null;
  private _error = '';
  private _at = '';
}

/** The main-area tab with the outputs' notebook diff and each differing file's diff. */
export class ReproduceWidget extends Panel {
  constructor(report: IReproduceReport, context: INotebookDiffContext) {
    super();
    this.addClass('jp-mlversion-ReproduceView');
    this.id = `jp-mlversion-reproduce-${report.cell_id}`;
    this.title.label = `Reproduce: ${report.cell_id}`;
    this.title.closable = true;
    const head = (text: string): Widget => new Widget({ node: h('h3', {}, text) });
    this.addWidget(
      new Widget({
        node: h(
          'div',
          {},
          h('h2', {}, `Cell ${report.cell_id} against ${report.recorded_in.slice(0, 8)}`),
          h('p', {}, report.reproduced ? 'Reproduced.' : differences(report).join('; '))
        )
      })
    );
    this.addWidget(head('Outputs'));
    if (report.outputs.same) {
      this.addWidget(new Widget({ node: h('p', {}, 'Same outputs.') }));
    } else if (report.outputs.detail) {
      this.addWidget(notebookDiff(report.outputs.detail, context));
    } else {
      this.addWidget(new Widget({ node: h('p', {}, report.outputs.note ?? 'Outputs differ.') }));
    }
    this.addWidget(head('Written files'));
    this.addWidget(
      new Widget({
        node: table(
          ['File', 'Recorded', 'Now', 'Status'],
          report.files.map(f => [
            f.path,
            (f.recorded ?? '—').slice(0, 12),
            (f.now ?? '—').slice(0, 12),
            f.status
          ])
        )
      })
    );
    for (const file of report.files) {
      if (file.diff) {
        this.addWidget(head(file.path));
        this.addWidget(fileDiffBody(file.diff as unknown as IFileDiff, context));
      }
    }
    this.addWidget(head('Metrics'));
    this.addWidget(
      new Widget({
        node: table(
          ['Metric', 'Recorded', 'Now', ''],
          report.metrics.map(m => [
            m.name,
            show(m.recorded),
            show(m.now),
            m.same === null ? 'not logged again' : m.same ? 'same' : 'differs'
          ])
        )
      })
    );
  }
}
