// The PayPal sandbox's OAuth 2.0 client-credentials grant and the bearer check of every API call.
import type { IncomingMessage } from 'node:http';
import { oauthError, statusError } from './paypal-errors';
import { accessToken, paypalId } from './paypal-store';
import type { Context, Reply } from './sandbox-types';
import type { PayPalWorld } from './world';

export function paypalOAuth(w: PayPalWorld) {
  const { clients, tokens, ttl } = w;

  function issueToken(ctx: Context): Reply {
    const auth = String(ctx.headers['authorization'] ?? '');
    const match = /^Basic\s+(.+)$/i.exec(auth);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const clientId = colon >= 0 ? decoded.slice(0, colon) : '';
    const secret = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (!clientId || clients.get(clientId) !== secret)
      throw oauthError(401, 'invalid_client', 'Client Authentication failed');
    const grant = new URLSearchParams(ctx.rawBody).get('grant_type');
    if (!grant) throw oauthError(400, 'unsupported_grant_type', 'Grant Type is NULL');
    if (grant !== 'client_credentials')
      throw oauthError(400, 'unsupported_grant_type', `Grant Type ${grant} is not supported`);
    const token = accessToken();
    tokens.set(token, { clientId, expiresAt: Date.now() + ttl * 1000 });
    return {
      status: 200,
      body: {
        scope:
          'https://uri.paypal.com/services/payments/payment/authcapture https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/applications/webhooks openid',
        access_token: token,
        token_type: 'Bearer',
        app_id: `APP-${paypalId()}`,
        expires_in: ttl,
        nonce: `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}${paypalId()}`,
      },
    };
  }

  function authenticate(ctx: IncomingMessage): string {
    const match = /^Bearer\s+(\S+)$/i.exec(String(ctx.headers['authorization'] ?? ''));
    const token = match ? tokens.get(match[1]) : undefined;
    if (!token || token.expiresAt <= Date.now()) throw statusError(401);
    return token.clientId;
  }

  return { issueToken, authenticate };
}
