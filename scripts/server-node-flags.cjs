// The node flags the server runs with, in every launcher: `npm start` (package.json), PM2
// (ecosystem.config.cjs), the Docker image (Dockerfile CMD) and the benchmarks. tests/ops/deployment.test.ts
// checks that each of them passes exactly these.
//
// --max-semi-space-size=32: V8's young generation as 2 × 32 MB instead of 2 × 16 MB. A request allocates
// ~100 KB of short-lived objects; with the larger nursery fewer of them live long enough to be promoted, and
// the server's CPU per request fell ~15% in the benchmark (docs/benchmarks.md) for ~32 MB more RSS. Flags
// that size the heap only work on node's command line: the server cannot set them once it runs. Node 24's V8
// grows the young generation up to 2 × 64 MB by itself: there the flag holds it at the measured 2 × 32 MB.
module.exports = ['--max-semi-space-size=32'];
