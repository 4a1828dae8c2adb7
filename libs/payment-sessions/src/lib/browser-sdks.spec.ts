import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_SDKS, sdkFor } from './browser-sdks';

/** The merchant page's Content-Security-Policy as the README gives it, directive by directive. */
function readmePolicy(): Record<string, string[]> {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("**The merchant page's Content-Security-Policy**"));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const policy: Record<string, string[]> = {};
  for (const directive of block
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)) {
    const [name, ...sources] = directive.split(/\s+/);
    policy[name] = sources;
  }
  return policy;
}

describe('where a session loads its gateway’s browser SDK', () => {
  it('live: each gateway’s own script from its own host, with no integrity hash (none is published)', () => {
    expect(sdkFor('stripe', { mode: 'live' })).toMatchObject({ script: 'https://js.stripe.com/v3/' });
    expect(sdkFor('square', { mode: 'live' })).toMatchObject({
      script: 'https://web.squarecdn.com/v1/square.js',
    });
    expect(sdkFor('paypal', { mode: 'live' })).toMatchObject({ script: 'https://www.paypal.com/sdk/js' });
    for (const gateway of ['stripe', 'square', 'paypal'])
      expect(sdkFor(gateway, { mode: 'live' })?.integrity).toBeUndefined();
  });

  it('a live connection never gets a sandbox’s stand-in, even with a base URL', () => {
    expect(sdkFor('stripe', { mode: 'live', baseUrl: 'http://127.0.0.1:12111' })?.script).toBe(
      'https://js.stripe.com/v3/',
    );
  });

  it('test: the sandbox’s stand-in when the connection points at one, else the gateway’s test script', () => {
    expect(sdkFor('stripe', { mode: 'test', baseUrl: 'http://127.0.0.1:12111/' })).toEqual({
      script: 'http://127.0.0.1:12111/js/v3/',
      origins: {
        scripts: ['http://127.0.0.1:12111'],
        frames: ['http://127.0.0.1:12111'],
        connect: ['http://127.0.0.1:12111'],
      },
    });
    expect(sdkFor('square', { mode: 'test' })?.script).toBe('https://sandbox.web.squarecdn.com/v1/square.js');
    expect(sdkFor('adyen', { mode: 'live' })).toBeNull();
  });

  it('the README’s merchant CSP allows every origin a live SDK needs', () => {
    const policy = readmePolicy();
    for (const [gateway, sdk] of Object.entries(BROWSER_SDKS)) {
      for (const origin of sdk.liveOrigins.scripts)
        expect(`${gateway} ${policy['script-src']}`).toContain(origin);
      for (const origin of sdk.liveOrigins.frames)
        expect(`${gateway} ${policy['frame-src']}`).toContain(origin);
      for (const origin of sdk.liveOrigins.connect)
        expect(`${gateway} ${policy['connect-src']}`).toContain(origin);
    }
    expect(policy['script-src']).not.toContain("'unsafe-inline'");
  });
});
