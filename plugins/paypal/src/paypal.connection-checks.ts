import { paypalSdk } from './paypal.sdk';
import {
  fail,
  succeed,
  type CredentialCheck,
  type GatewayConnection,
  type Outcome,
  type WebhookRegistration,
  type WebhookRegistrationRequest,
} from '@payrail/plugin-sdk';
import type { PayPalCall, PayPalClients } from './paypal.client';
import { isOAuthRejection, toGatewayError } from './paypal.transformers';
import { PAYPAL_EVENT_TYPES } from './paypal.webhooks';

export async function checkPayPalCredentials(
  clients: PayPalClients,
  connection: GatewayConnection,
): Promise<Outcome<CredentialCheck>> {
  let call: PayPalCall;
  try {
    call = clients.for(connection);
  } catch (error) {
    return fail(toGatewayError(error));
  }
  const problems: string[] = [];
  if (!connection.values['clientId']) problems.push('clientId is missing');
  if (!connection.values['clientSecret']) problems.push('clientSecret is missing');
  if (problems.length) return succeed({ valid: false, mode: connection.mode, problems });
  try {
    const token = await clients.fetchToken(call, connection);
    return succeed({
      valid: true,
      mode: connection.mode,
      account: {
        id: connection.values['clientId'],
        name: call.endpoint.official
          ? connection.mode === 'live'
            ? 'PayPal live'
            : 'PayPal sandbox'
          : `PayPal sandbox at ${call.endpoint.origin}`,
      },
      permissions: token.scope?.split(' ').filter(Boolean) ?? [],
      problems: [],
    });
  } catch (error) {
    if (isOAuthRejection(error))
      return succeed({
        valid: false,
        mode: connection.mode,
        problems: [
          `PayPal refused the client id and secret on its ${connection.mode === 'live' ? 'live' : 'sandbox'} host (a ${connection.mode === 'live' ? 'sandbox' : 'live'} app's credentials do not work there)`,
        ],
      });
    return fail(toGatewayError(error));
  }
}

/** Registers the listener for Payrail's event types; a URL PayPal already knows is found and reused. */
export async function registerPayPalWebhook(
  call: PayPalCall,
  request: WebhookRegistrationRequest,
): Promise<Outcome<WebhookRegistration>> {
  const send = async (method: 'POST' | 'GET', body?: unknown) => {
    const req = call.client.getRequestBuilderFactory()(method, '/v1/notifications/webhooks');
    if (body) req.json(body);
    req.authenticate([{ oauth2: true }]);
    return JSON.parse((await req.callAsText()).result) as {
      id?: string;
      url?: string;
      webhooks?: { id: string; url: string }[];
    };
  };
  try {
    const created = await send('POST', {
      url: request.url,
      event_types: PAYPAL_EVENT_TYPES.map((name) => ({ name })),
    });
    return succeed({ endpointId: created.id ?? '', values: { webhookId: created.id ?? '' } });
  } catch (error) {
    const name =
      error instanceof paypalSdk().ApiError
        ? (JSON.parse(String(error.body || '{}')) as { name?: string }).name
        : undefined;
    if (name !== 'WEBHOOK_URL_ALREADY_EXISTS') throw error;
    const existing = (await send('GET')).webhooks?.find((w) => w.url === request.url);
    if (!existing) throw error;
    return succeed({ endpointId: existing.id, values: { webhookId: existing.id } });
  }
}
