/**
 * The frontend's answers in the save handshake (protocol of jupyter_mlversion/kernel/frontend.py).
 */
import { answer } from '../savehandshake';
import { draftMessage, parseMetrics, parseTags } from '../status';

describe('save handshake', () => {
  it('saves and answers with the request id', async () => {
    let saved = 0;
    const reply = await answer(
      { action: 'save', request_id: 'r1', path: 'a.ipynb' },
      { save: async () => void saved++ }
    );
    expect(saved).toBe(1);
    expect(reply).toEqual({ request_id: 'r1', saved: true });
  });

  it('answers saved: false with the error when saving fails', async () => {
    const reply = await answer(
      { action: 'save', request_id: 'r2' },
      {
        save: async () => {
          throw new Error('disk full');
        }
      }
    );
    expect(reply).toEqual({ request_id: 'r2', saved: false, error: 'disk full' });
  });

  it('ignores messages that are not save requests', async () => {
    expect(await answer({ protocol: 1 }, { save: async () => undefined })).toBeNull();
  });
});

describe('snapshot form parsing', () => {
  it('drafts a message from the changes', () => {
    expect(
      draftMessage([
        { path: 'a.csv', status: 'modified' },
        { path: 'm.pkl', status: 'added' },
        { path: 'old.csv', status: 'removed' }
      ])
    ).toBe('Update a.csv; add m.pkl; remove old.csv');
    const many = ['a', 'b', 'c', 'd', 'e'].map(p => ({ path: p, status: 'added' as const }));
    expect(draftMessage(many)).toBe('Add a, b, c and 2 more');
  });

  it('reads metrics in several spellings and names a bad one', () => {
    expect(parseMetrics('accuracy=0.9, loss: 0.1\nf1 0.5')).toEqual({
      accuracy: 0.9,
      loss: 0.1,
      f1: 0.5
    });
    expect(() => parseMetrics('auc=good')).toThrow("'auc=good' is not a metric");
  });

  it('accepts tag names git accepts and refuses others', () => {
    expect(parseTags('v1, release-2.0 best')).toEqual(['v1', 'release-2.0', 'best']);
    expect(() => parseTags('-bad')).toThrow("'-bad' cannot be a tag");
  });
});
