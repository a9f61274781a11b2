import fs from 'node:fs';
import request from 'supertest';
import { storagePaths } from '../../src/storage';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { listKeys } from './stores';
import { createRouteApp, UPLOAD_TEST_PATH, uploadTestRoute } from './upload-app';

// The default MAX_UPLOAD_BYTES (10 MB), as production runs it.
const t = useTestApp();

test('when a file is 10 MB + 1 byte under the default limit, then 413 PAYLOAD_TOO_LARGE and nothing is kept', async () => {
  expect(t.config.storage.maxUploadBytes).toBe(10 * 1024 * 1024);
  const app = createRouteApp(t.ctx, [uploadTestRoute(t.ctx)]);
  const user = await createUser(t);
  const res = await request(app)
    .post(UPLOAD_TEST_PATH)
    .set(user.auth)
    .attach('file', Buffer.alloc(10 * 1024 * 1024 + 1, 0x89), 'huge.png');
  expect(res.status).toBe(413);
  expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  const uploads = storagePaths(t.config).uploads;
  expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([]);
  expect(await listKeys(t.ctx.store)).toEqual([]);
});
