// Settings every script runs Nx with: no cloud, no daemon, no interactive terminal UI.
export const nxEnv = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.NX_SKIP_NX_CACHE ?? 'false',
};

// Node flags the API runs with under `npm start` and `npm run bench`. Source maps make every stack
// trace costly, so they are on only when asked for (PAYRAIL_SOURCE_MAPS=on), for debugging.
export const apiNodeFlags = process.env.PAYRAIL_SOURCE_MAPS === 'on' ? ['--enable-source-maps'] : [];
