/**
 * @jest-environment jsdom
 */
/**
 * "Read-only for you": the panels' write controls are disabled when GET /project says
 * can_write is false, and stay enabled otherwise.
 */
import './dragevent';
import { fakeApi } from './fakeapi';

const api = fakeApi(5);
jest.mock('../api', () => ({ API: api }));

import { Widget } from '@lumino/widgets';

import { VersionsModel } from '../model';
import { ReadOnlyGuard } from '../readonly';
import { NamesPanel } from '../widgets/namespanel';
import { StatusPanel } from '../widgets/statuspanel';

async function sidebar(canWrite: boolean): Promise<[HTMLElement, ReadOnlyGuard]> {
  const real = api.project.getMockImplementation()!;
  api.project.mockImplementationOnce(async (path: string) => ({
    ...(await real(path)),
    can_write: canWrite,
    read_only_reason: canWrite ? null : 'read-only for you: your hub role does not allow changes'
  }));
  const model = new VersionsModel();
  const root = document.createElement('div');
  document.body.appendChild(root);
  const guard = new ReadOnlyGuard(root, model);
  root.appendChild(guard.banner);
  for (const panel of [new StatusPanel(model), new NamesPanel(model)]) {
    Widget.attach(panel, root);
  }
  await model.setNotebook('work/train.ipynb');
  await new Promise(resolve => setTimeout(resolve, 0)); // let the observer run
  return [root, guard];
}

function snapshotButton(root: HTMLElement): HTMLButtonElement {
  const found = Array.from(root.querySelectorAll('button')).find(b => b.textContent === 'Snapshot');
  return found as HTMLButtonElement;
}

describe('ReadOnlyGuard', () => {
  it('disables snapshot and name controls and says read-only for you', async () => {
    const [root, guard] = await sidebar(false);
    expect(guard.banner.hidden).toBe(false);
    expect(guard.banner.textContent).toBe(
      'Read-only for you: your hub role does not allow changes'
    );
    expect(snapshotButton(root).disabled).toBe(true);
    const formControls = Array.from(root.querySelectorAll('form button, form input'));
    expect(formControls.length).toBeGreaterThan(1);
    expect(formControls.every(el => (el as HTMLInputElement).disabled)).toBe(true);
  });

  it('leaves everything as it was for a writer', async () => {
    const [root, guard] = await sidebar(true);
    expect(guard.banner.hidden).toBe(true);
    expect(snapshotButton(root).disabled).toBe(false);
  });
});
