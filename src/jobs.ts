/**
 * Following the server's long work (snapshots, restores) to its end, with progress.
 */
import { API } from './api';
import type { IJob, IProgress } from './types';

/** Seconds each poll asks the server to hold the request while the job runs. */
const POLL_WAIT = 1;

/** A job that ended in failure; the message is the server's. */
export class JobError extends Error {
  constructor(readonly job: IJob) {
    super(job.error?.message ?? `${job.kind} failed`);
  }
}

/** The job's result once it is done; `onProgress` hears every progress report on the way. */
export async function finishJob<T>(
  started: Promise<IJob>,
  onProgress: (progress: IProgress, job: IJob) => void = () => undefined,
  poll: (id: string, wait: number) => Promise<IJob> = API.job
): Promise<T> {
  let job = await started;
  while (job.status === 'queued' || job.status === 'running') {
    onProgress(job.progress ?? {}, job);
    job = await poll(job.id, POLL_WAIT);
  }
  if (job.status === 'failed') {
    throw new JobError(job);
  }
  onProgress(job.progress ?? {}, job);
  return (job.result ?? {}) as T;
}

/** "data/x.csv 12.5/40.0 MB" or "verifying objects 3/10" from a progress report; '' when empty. */
export function progressText(progress: IProgress): string {
  const label = progress.label ?? '';
  if (progress.total) {
    const done = progress.done ?? 0;
    const count =
      progress.unit === 'bytes'
        ? `${megabytes(done)}/${megabytes(progress.total)} MB`
        : `${done}/${progress.total}`;
    return `${label} ${count}`.trim();
  }
  return label;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
