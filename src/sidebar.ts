/**
 * The "Versions" panel in the left sidebar: status and snapshot form, history, the selected
 * snapshot, names (tags, aliases, registry) and the selected cell's inputs.
 */
import { refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { versionsIcon } from './icons';
import type { VersionsModel } from './model';
import { ReadOnlyGuard } from './readonly';
import { SIDEBAR_ID } from './tokens';
import { CellPanel, Rerun } from './widgets/cellpanel';
import { h } from './widgets/dom';
import type { ILineageHooks } from './lineage/wiring';
import { HistoryPanel } from './widgets/historypanel';
import { LineagePanel } from './widgets/lineagePanel';
import { NamesPanel } from './widgets/namespanel';
import { OpenDetails, SelectionPanel } from './widgets/selectionpanel';
import { StartPanel } from './widgets/start';
import { ReproducePanel } from './widgets/reproduce';
import { SaveFirst, StatusPanel } from './widgets/statuspanel';

/** What the sidebar asks of the application. */
export interface ISidebarOptions {
  model: VersionsModel;
  saveFirst: SaveFirst;
  openDetails: OpenDetails;
  rerun: Rerun;
  /** Opens the lineage and reproduce tabs (the sections do nothing without it). */
  lineage?: ILineageHooks;
}

/** The Versions sidebar. */
export class VersionsSidebar extends SidePanel {
  constructor(options: ISidebarOptions) {
    super();
    const model = options.model;
    this.id = SIDEBAR_ID;
    this.addClass('jp-mlversion-Sidebar');
    this.title.icon = versionsIcon;
    this.title.caption = 'Versions';
    this.header.addWidget(
      new Widget({ node: h('h2', { className: 'jp-mlversion-title' }, 'Versions') })
    );
    this._where = h('span', { className: 'jp-mlversion-where' });
    this.header.addWidget(new Widget({ node: this._where }));
    this.readOnly = new ReadOnlyGuard(this.node, model);
    this.header.addWidget(new Widget({ node: this.readOnly.banner }));
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh',
        onClick: () => void model.refresh()
      })
    );
    this.status = new StatusPanel(model, options.saveFirst);
    this.history = new HistoryPanel(model);
    this.selected = new SelectionPanel(model, options.openDetails);
    this.names = new NamesPanel(model);
    this.cell = new CellPanel(model, options.rerun);
    const hooks = options.lineage;
    this.lineage = new LineagePanel(model, file => hooks?.openLineage(file));
    this.reproduce = new ReproducePanel(model, options.saveFirst, report =>
      hooks?.openReproduce(report)
    );
    // Status and the snapshot form stay in view above the sections.
    this.header.addWidget(this.status);
    // A folder without a project: start one here, then the form above takes the first snapshot.
    this.start = new StartPanel(model, () => this.status.focusMessage());
    this.header.addWidget(this.start);
    const sections: [Widget, string][] = [
      [this.history, 'History'],
      [this.selected, 'Selected'],
      [this.names, 'Tags, aliases and models'],
      [this.cell, 'Cell inputs'],
      [this.reproduce, 'Reproduce'],
      [this.lineage, 'Lineage']
    ];
    for (const [widget, label] of sections) {
      widget.title.label = label;
      this.addWidget(widget);
    }
    // The history matters most; names and cell inputs open on demand (or by their commands).
    const accordion = this.content as AccordionPanel;
    accordion.setRelativeSizes([6, 3, 2, 2, 2, 2]);
    for (const index of [2, 3, 4, 5]) {
      accordion.collapse(index);
    }
    model.changed.connect((_, part) => {
      if (part === 'project') {
        this._where.textContent = model.notebook ?? '';
      }
    });
  }

  readonly status: StatusPanel;
  readonly start: StartPanel;
  readonly history: HistoryPanel;
  readonly selected: SelectionPanel;
  readonly names: NamesPanel;
  readonly cell: CellPanel;
  readonly readOnly: ReadOnlyGuard;
  readonly reproduce: ReproducePanel;
  readonly lineage: LineagePanel;
  private _where: HTMLSpanElement;
}
