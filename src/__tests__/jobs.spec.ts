/**
 * Progress text: sizes for bytes, a plain count for objects.
 */
import { progressText } from '../jobs';

describe('progressText', () => {
  it('shows bytes as megabytes', () => {
    const text = progressText({
      done: 250_000_000,
      total: 500_000_000,
      label: 'data/big.bin',
      unit: 'bytes'
    });
    expect(text).toBe('data/big.bin 250.0/500.0 MB');
  });

  it('counts objects plainly', () => {
    const text = progressText({
      done: 3,
      total: 7,
      label: 'verifying objects',
      unit: 'objects'
    });
    expect(text).toBe('verifying objects 3/7');
  });

  it('says only the label without a total', () => {
    expect(progressText({ done: 0, total: 0, label: 'gc' })).toBe('gc');
  });
});
