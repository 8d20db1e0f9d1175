import { describeCells, describePendingCell, IStatus, plural, summarizeStatus } from '../status';

const change = (path: string, status: 'added' | 'removed' | 'modified' = 'modified') => ({
  path,
  status,
  kind: 'dataset' as const
});

describe('summarizeStatus', () => {
  it('says there is no snapshot yet in a new project', () => {
    const status: IStatus = { head: null, clean: false, tracked: 0, changes: [change('a.csv')] };
    expect(summarizeStatus(status)).toBe('No snapshot yet: 1 file to snapshot.');
  });

  it('says an empty new project has nothing to track', () => {
    const status: IStatus = { head: null, clean: true, tracked: 0, changes: [] };
    expect(summarizeStatus(status)).toBe('No snapshot yet and nothing to track.');
  });

  it('names the short head id when the project is clean', () => {
    const status: IStatus = { head: '0123456789abcdef', clean: true, tracked: 1, changes: [] };
    expect(summarizeStatus(status)).toBe('Up to date with 01234567 (1 tracked file).');
  });

  it('is not up to date while cells ran that no snapshot recorded', () => {
    const status: IStatus = {
      head: '0123456789abcdef',
      clean: false,
      tracked: 1,
      changes: [],
      cells: [{ cell_id: 'load', reads: ['data/a.csv'], writes: [] }]
    };
    expect(summarizeStatus(status)).toBe('1 cell run since 01234567 (1 tracked file).');
    expect(describePendingCell(status.cells![0])).toBe('Cell load read data/a.csv');
  });

  it('counts the changes since the head', () => {
    const status: IStatus = {
      head: 'fedcba9876543210',
      clean: false,
      tracked: 14,
      changes: [change('data/train.csv'), change('models/clf.pkl', 'added')]
    };
    expect(summarizeStatus(status)).toBe('2 changes since fedcba98 (14 tracked files).');
  });
});

describe('plural', () => {
  it.each([
    [0, '0 files'],
    [1, '1 file'],
    [2, '2 files']
  ])('words %i', (count, expected) => {
    expect(plural(count as number, 'file')).toBe(expected);
  });
});

describe('describeCells', () => {
  it('names each changed cell by its number and what changed, in notebook order', () => {
    const lines = describeCells({
      old_cells: 4,
      new_cells: 4,
      added: [{ index: 3, id: 'd', cell_type: 'code' }],
      removed: [{ index: 1, id: 'b', cell_type: 'markdown' }],
      modified: [
        { old_index: 2, new_index: 1, id: 'c', cell_type: 'code', parts: ['metadata', 'source'] },
        { old_index: 0, new_index: 0, id: null, cell_type: 'raw', parts: [] }
      ],
      metadata: true
    });
    expect(lines.map(l => l.text)).toEqual([
      'Cell 1 (raw): content changed',
      'Cell 2 (code): metadata, source changed',
      'Cell 2 (markdown) removed',
      'Cell 4 (code) added'
    ]);
    expect(lines.map(l => l.id)).toEqual([null, 'c', 'b', 'd']);
  });
});
