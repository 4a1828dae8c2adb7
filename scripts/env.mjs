// Settings every script runs Nx with: no cloud, no daemon, no interactive terminal UI.
export const nxEnv = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.NX_SKIP_NX_CACHE ?? 'false',
};

// Node flags the API runs with under `npm start` and `npm run bench`.
export const apiNodeFlags = ['--enable-source-maps'];
