import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/**
 * A real S3 API (s3rver on 127.0.0.1, a random port, a fresh temp folder) for an app built by useTestApp.
 * Fills `env` with the S3 store's settings now and its `S3_ENDPOINT` in a beforeAll, so call it before
 * useTestApp(env): its beforeAll runs first. Call `stop()` in the file's afterAll, after closing the app's store.
 */
export function useS3rver(
  env: Record<string, string | undefined>,
  bucket: string,
): { stop: () => Promise<void> } {
  Object.assign(env, {
    STORAGE_DRIVER: 's3',
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-s3rver-'));
  let server: S3rver | undefined;
  beforeAll(async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const { port } = await server.run();
    env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  });
  return {
    stop: async () => {
      await server?.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
