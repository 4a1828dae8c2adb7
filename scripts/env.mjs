// Settings every script runs Nx with: no cloud, no daemon, no interactive terminal UI.
export const nxEnv = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.NX_SKIP_NX_CACHE ?? 'false',
};

// Node flags the API and the sandboxes run with under `npm start` and `npm run bench`. Source maps
// make every stack trace costly, so they are on only when asked for (PAYRAIL_SOURCE_MAPS=on), for
// debugging.
export const nodeFlags = process.env.PAYRAIL_SOURCE_MAPS === 'on' ? ['--enable-source-maps'] : [];

// The API's heap flags (docker/entrypoint.sh runs the image's server with the same): they keep V8
// from holding two to three times the live heap after a burst of load (decision 0052), with a
// young generation of 2 x 4 MB instead of 2 x 16 MB and an old generation that grows by 30 % over
// what survived its last collection instead of V8's default of up to 4 x. The sandboxes, the
// baseline, keep Node's defaults.
export const apiHeapFlags = ['--max-semi-space-size=4', '--heap-growing-percent=30'];
export const apiNodeFlags = [...apiHeapFlags, ...nodeFlags];

// The API's environment: glibc keeps at most two malloc arenas (one per core here instead of eight
// per core), which the native parts (SQLite, TLS, zlib, the thread pool) otherwise fragment.
// A value already set in the environment wins.
export const apiEnv = (env = process.env) => ({ MALLOC_ARENA_MAX: '2', ...env });
