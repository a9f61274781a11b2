import type { TestApp } from '../helpers/app';
import type { TestUser } from '../helpers/factories';
import { waitFor } from '../helpers/spawn-server';

export type Job = Record<string, any> & {
  id: string;
  status: string;
  progress: number;
  error: string | null;
};
export type JobKind = 'archives' | 'imports';

/** Reading archive and import jobs through the API, and the file store under a prefix, for `t`'s app. */
export function archiveJobHelpers(t: TestApp) {
  const getJob = async (user: TestUser, kind: JobKind, id: string): Promise<Job> => {
    const res = await t.http().get(`/api/users/me/${kind}/${id}`).set(user.auth);
    expect(res.status).toBe(200);
    return res.body as Job;
  };

  /** The job once it has ended (succeeded, failed or canceled). */
  const settled = (user: TestUser, kind: JobKind, id: string) =>
    waitFor(
      `${kind} ${id} to end`,
      async () => {
        const job = await getJob(user, kind, id);
        return ['succeeded', 'failed', 'canceled'].includes(job.status) ? job : null;
      },
      30_000,
      100,
    );

  const storedUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const file of t.ctx.store.list(prefix)) keys.push(file.key);
    return keys;
  };

  return { getJob, settled, storedUnder };
}
