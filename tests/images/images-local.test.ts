/** The store-dependent image and drawing tests on the local store (files under DATA_DIR/files). */
import { useTestApp } from '../helpers/app';
import { storeSuite } from './store-suite';

const t = useTestApp({
  env: { STORAGE_DRIVER: 'local', MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) },
  validateResponses: true,
});

describe('images and drawings on the local store', () => {
  storeSuite(t, 'local');
});
