/**
 * @jest-environment jsdom
 */
/** A snapshot or a check waits for the kernel to end the cell it runs, but not forever. */
import { Signal } from '@lumino/signaling';

import { kernelSettled } from '../kernelsettle';

class FakeKernel {
  status = 'busy';
  readonly statusChanged = new Signal<this, string>(this);
  set(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }
}

describe('kernelSettled', () => {
  afterEach(() => jest.useRealTimers());

  it('resolves at once without a kernel or with an idle one', async () => {
    await kernelSettled(null);
    const idle = new FakeKernel();
    idle.status = 'idle';
    await kernelSettled(idle);
  });

  it('waits for a busy kernel to go idle', async () => {
    const kernel = new FakeKernel();
    let done = false;
    const waiting = kernelSettled(kernel).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    kernel.set('busy');
    await Promise.resolve();
    expect(done).toBe(false);
    kernel.set('idle');
    await waiting;
    expect(done).toBe(true);
  });

  it('goes on after the time limit while a long cell keeps running', async () => {
    jest.useFakeTimers();
    const kernel = new FakeKernel();
    let done = false;
    const waiting = kernelSettled(kernel, 5000).then(() => (done = true));
    jest.advanceTimersByTime(4999);
    await Promise.resolve();
    expect(done).toBe(false);
    jest.advanceTimersByTime(1);
    await waiting;
    expect(done).toBe(true);
  });
});
