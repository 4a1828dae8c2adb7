import { issueError, statusError } from './paypal-errors';
import type { paypalEvents } from './events';
import type { paypalRenderers } from './render';
import type { Context, Reply, Route } from './sandbox-types';
import type { paypalVault } from './vault-api';
import type { PayPalWorld } from './world';

/**
 * PayPal's card fields, for the sandbox: Orders v2 `confirm-payment-source` (the call PayPal's
 * `CardFields().submit()` makes to attach the card to an order the merchant's server created),
 * the browser's way to it from the fields' own frame, and the field frames themselves. The card
 * goes from the field frames to this sandbox only; the page gets the order id back.
 */
export function paypalCardFields(
  w: PayPalWorld,
  render: ReturnType<typeof paypalRenderers>,
  events: ReturnType<typeof paypalEvents>,
  vault: ReturnType<typeof paypalVault>,
) {
  const { store } = w;

  /** `POST /v2/checkout/orders/{id}/confirm-payment-source`: the payer's card joins the order, which is then APPROVED. */
  function confirmPaymentSource(ctx: Context): Reply {
    const order = store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id');
    if (order.authorizationIds.length) throw issueError('ORDER_ALREADY_AUTHORIZED');
    if (order.captureIds.length) throw issueError('ORDER_ALREADY_CAPTURED');
    if (order.status === 'COMPLETED' || order.status === 'VOIDED')
      throw issueError('ORDER_CANNOT_BE_CONFIRMED');
    const source = ctx.body['payment_source'];
    if (!source || typeof source !== 'object' || Array.isArray(source))
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/payment_source' });
    const kinds = Object.keys(source);
    if (kinds.length !== 1) throw issueError('ONLY_ONE_PAYMENT_SOURCE_ALLOWED', { field: '/payment_source' });
    const card = (source as Record<string, unknown>)['card'];
    if (!card || typeof card !== 'object')
      throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source', value: kinds[0] });
    order.source = vault.cardForOrder(card as Record<string, unknown>, ctx.clientId, new Date());
    order.status = 'APPROVED';
    order.updateTime = new Date();
    events.emit(order.clientId, events.eventFor(order.id, 'CHECKOUT.ORDER.APPROVED'));
    const full = render.renderOrder(order);
    return { status: 200, body: render.wantsFull(ctx) ? full : render.minimal(full) };
  }

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/v2\/checkout\/orders\/([A-Za-z0-9-]+)\/confirm-payment-source$/,
      operation: 'orders.confirm',
      handler: confirmPaymentSource,
    },
  ];

  /** The field frames, and the frame's confirm on behalf of the app whose `client-id` loaded the SDK. */
  function control(
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply | undefined {
    if (method === 'GET' && path === '/_sandbox/js/card-field.html') {
      const field = query.get('field') ?? '';
      if (!isCardField(field))
        return { status: 400, body: 'Unknown card field.', headers: { 'content-type': 'text/plain' } };
      return {
        status: 200,
        body: cardFieldFrame(field),
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
      };
    }
    const confirm = /^\/_sandbox\/js\/orders\/([A-Za-z0-9]+)\/confirm-payment-source$/.exec(path);
    if (method === 'POST' && confirm) {
      const clientId = typeof body['client_id'] === 'string' ? body['client_id'] : '';
      if (!w.clients.has(clientId)) throw statusError(401);
      return confirmPaymentSource({
        method,
        path,
        query: new URLSearchParams(),
        headers: {},
        body: { payment_source: body['payment_source'] },
        rawBody: '',
        clientId,
        params: [confirm[1]],
      });
    }
    return undefined;
  }

  return { routes, control };
}

export type CardFieldKind = 'number' | 'expiry' | 'cvv' | 'name';

const FIELDS: Record<
  CardFieldKind,
  { label: string; autocomplete: string; inputmode: string; placeholder: string; maxlength: number }
> = {
  number: {
    label: 'Card number',
    autocomplete: 'cc-number',
    inputmode: 'numeric',
    placeholder: 'Card number',
    maxlength: 23,
  },
  expiry: {
    label: 'Expiry date (MM / YY)',
    autocomplete: 'cc-exp',
    inputmode: 'numeric',
    placeholder: 'MM / YY',
    maxlength: 7,
  },
  cvv: {
    label: 'Security code',
    autocomplete: 'cc-csc',
    inputmode: 'numeric',
    placeholder: 'CVV',
    maxlength: 4,
  },
  name: {
    label: 'Name on card',
    autocomplete: 'cc-name',
    inputmode: 'text',
    placeholder: 'Name',
    maxlength: 300,
  },
};

function isCardField(value: string): value is CardFieldKind {
  return value in FIELDS;
}

/** iframe titles, as PayPal's own card field frames are named. */
export const CARD_FIELD_TITLES: Record<CardFieldKind, string> = {
  number: 'paypal_card_number_field',
  expiry: 'paypal_card_expiry_field',
  cvv: 'paypal_card_cvv_field',
  name: 'paypal_card_name_field',
};

/**
 * One card field in its own frame, as PayPal draws them. The frames of one `CardFields` share a
 * BroadcastChannel (same origin, same page): on submit the number field's frame gathers the
 * others' values, checks them and confirms the card on the order itself, so the values never
 * pass through the page around the frames.
 */
export function cardFieldFrame(field: CardFieldKind): string {
  const f = FIELDS[field];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${CARD_FIELD_TITLES[field]}</title><style>
body{margin:0;font:15px system-ui,sans-serif;color:#1a1a1a}label{display:block;font-size:13px;margin-bottom:2px}
input{box-sizing:border-box;width:100%;font:inherit;padding:8px;border:1px solid #8a8a8a;border-radius:4px}
input:focus{outline:2px solid #0070ba;outline-offset:1px}input[aria-invalid=true]{border-color:#b00020}
#err{color:#b00020;font-size:13px;min-height:1em;margin:2px 0 0}
</style></head><body><label for="f">${f.label}</label><input id="f" name="${field}" autocomplete="${f.autocomplete}" inputmode="${f.inputmode}" placeholder="${f.placeholder}" maxlength="${f.maxlength}" aria-describedby="err" spellcheck="false"><p id="err" role="alert" aria-live="polite"></p><script>
(function(){
  var params = new URLSearchParams(location.search);
  var FIELD = ${JSON.stringify(field)};
  var CLIENT_ID = params.get('client-id') || '';
  var input = document.getElementById('f'), err = document.getElementById('err');
  if (params.get('placeholder')) input.placeholder = params.get('placeholder');
  var channel = new BroadcastChannel('payrail-paypal-card-fields:' + (params.get('uid') || ''));
  var parentOrigin = null;
  var CODES = { number: 'INVALID_NUMBER', expiry: 'INVALID_EXPIRY', cvv: 'INVALID_CVV', name: 'INVALID_NAME' };
  var MESSAGES = { number: 'Your card number is incomplete or invalid.', expiry: "Your card's expiry date is incomplete or in the past.",
    cvv: "Your card's security code is incomplete.", name: 'The name on the card is too long.' };
  function digits(v){ return v.replace(/[\\s-]/g, ''); }
  function luhn(n){ var s = 0, alt = false; for (var i = n.length - 1; i >= 0; i--) { var d = +n[i]; if (alt) { d *= 2; if (d > 9) d -= 9; } s += d; alt = !alt; } return s % 10 === 0; }
  function expiry(v){ var p = v.replace(/\\s/g, '').split('/'); var m = Number(p[0] || 0), y = Number(p[1] || 0); return { month: m, year: y < 100 ? 2000 + y : y }; }
  var VALID = {
    number: function(v){ var n = digits(v); return /^\\d{13,19}$/.test(n) && luhn(n); },
    expiry: function(v){ var e = expiry(v), now = new Date(); return e.month >= 1 && e.month <= 12 && (e.year > now.getFullYear() || (e.year === now.getFullYear() && e.month >= now.getMonth() + 1)); },
    cvv: function(v){ return /^\\d{3,4}$/.test(v.trim()); },
    name: function(v){ return v.trim().length <= 300; }
  };
  function stateOf(field, value){ return { isEmpty: !value.trim(), isValid: VALID[field](value), isPotentiallyValid: true, isFocused: field === FIELD && document.activeElement === input }; }
  function post(msg){ if (parentOrigin) window.parent.postMessage(msg, parentOrigin); }
  function show(message){ err.textContent = message || ''; if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid'); }
  input.addEventListener('input', function(){ show(''); post({ event: 'change', field: FIELD, state: stateOf(FIELD, input.value) }); });
  input.addEventListener('focus', function(){ post({ event: 'focus', field: FIELD, state: stateOf(FIELD, input.value) }); });
  input.addEventListener('blur', function(){ post({ event: 'blur', field: FIELD, state: stateOf(FIELD, input.value) }); });
  input.addEventListener('keydown', function(e){ if (e.key === 'Enter') { e.preventDefault(); post({ event: 'submit', field: FIELD }); } });
  channel.onmessage = function(e){
    var d = e.data || {};
    if (d.type === 'collect' && FIELD !== 'number') channel.postMessage({ type: 'value', nonce: d.nonce, field: FIELD, value: input.value });
    if (d.type === 'invalid' && d.field === FIELD) show(d.message);
  };
  /** The number field's frame asks its siblings for their values (they answer only on this channel). */
  function collect(fields){
    return new Promise(function(resolve){
      var nonce = String(Math.random()), values = { number: input.value };
      var want = fields.filter(function(f){ return f !== 'number'; });
      var finished = false;
      function finish(){ if (finished) return; finished = true; channel.removeEventListener('message', onValue); resolve(values); }
      function onValue(e){ var d = e.data || {}; if (d.type === 'value' && d.nonce === nonce) { values[d.field] = d.value; if (want.every(function(f){ return f in values; })) finish(); } }
      channel.addEventListener('message', onValue);
      channel.postMessage({ type: 'collect', nonce: nonce });
      if (!want.length) finish();
      setTimeout(finish, 2000);
    });
  }
  function check(values){
    var codes = [], first = null;
    ['number', 'expiry', 'cvv', 'name'].forEach(function(f){
      var required = f !== 'name';
      if (!(f in values)) { if (required) { codes.push(CODES[f]); first = first || MESSAGES[f]; } return; }
      if (!VALID[f](values[f])) {
        codes.push(CODES[f]); first = first || MESSAGES[f];
        if (f === FIELD) show(MESSAGES[f]); else channel.postMessage({ type: 'invalid', field: f, message: MESSAGES[f] });
      }
    });
    return codes.length ? { type: 'validation', details: codes, message: first } : null;
  }
  async function confirm(extra){
    var values = await collect(extra.fields || []);
    var problem = check(values);
    if (problem) return { error: problem };
    if (!extra.orderID) return { validated: true };
    var e = expiry(values.expiry);
    var card = { number: digits(values.number), expiry: e.year + '-' + String(e.month).padStart(2, '0'), security_code: values.cvv.trim() };
    if (values.name && values.name.trim()) card.name = values.name.trim();
    if (extra.billingAddress) card.billing_address = extra.billingAddress;
    var res = await fetch('/_sandbox/js/orders/' + encodeURIComponent(extra.orderID) + '/confirm-payment-source', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, payment_source: { card: card } }) });
    var json = await res.json().catch(function(){ return {}; });
    if (!res.ok) {
      var issue = json.details && json.details[0] && json.details[0].issue;
      if (issue === 'CARD_EXPIRED') channel.postMessage({ type: 'invalid', field: 'expiry', message: 'Your card has expired.' });
      return { error: { type: 'api', name: json.name, details: issue ? [issue] : [], message: json.message || 'The card could not be used for this order.' } };
    }
    return { orderID: json.id, status: json.status };
  }
  window.addEventListener('message', async function(e){
    if (e.source !== window.parent || !e.data || typeof e.data.rpc !== 'number') return;
    if (parentOrigin === null) parentOrigin = e.origin;
    if (e.origin !== parentOrigin) return;
    var reply = function(result){ window.parent.postMessage({ rpc: e.data.rpc, result: result }, parentOrigin); };
    if (e.data.op === 'hello') return reply({ ready: true, state: stateOf(FIELD, input.value) });
    if (e.data.op === 'focus') { input.focus(); return reply({}); }
    if (e.data.op === 'clear') { input.value = ''; show(''); return reply({}); }
    if (e.data.op === 'submit' && FIELD === 'number') {
      try { reply(await confirm(e.data.extra || {})); }
      catch (x) { reply({ error: { type: 'api', details: [], message: 'The card could not be checked. Please try again.' } }); }
    }
  });
})();
</script></body></html>`;
}

/**
 * The page-side `paypal.CardFields(…)` of the JS SDK stand-in, inside the SDK's closure (it uses
 * `FrameChannel`, `resolveTarget`, `SANDBOX` and `CLIENT_ID` from there).
 */
export function cardFieldsScript(): string {
  return `
  var CARD_FIELD_KEYS = { number: 'cardNumberField', expiry: 'cardExpiryField', cvv: 'cardCvvField', name: 'cardNameField' };
  var CARD_FIELD_TITLES = ${JSON.stringify(CARD_FIELD_TITLES)};
  function CardFields(options){
    options = options || {};
    if (typeof options.createOrder !== 'function') throw new Error('CardFields: createOrder is required and must return an order id');
    var uid = Math.random().toString(36).slice(2) + Date.now().toString(36);
    var rendered = {}, states = {};
    var inputEvents = options.inputEvents || {};
    function snapshot(emittedBy){
      var fields = {}, errors = [];
      Object.keys(CARD_FIELD_KEYS).forEach(function(kind){
        if (!rendered[kind]) return;
        var s = states[kind] || { isEmpty: true, isValid: kind === 'name', isPotentiallyValid: true, isFocused: false };
        fields[CARD_FIELD_KEYS[kind]] = s;
        if (!s.isValid) errors.push({ number: 'INVALID_NUMBER', expiry: 'INVALID_EXPIRY', cvv: 'INVALID_CVV', name: 'INVALID_NAME' }[kind]);
      });
      return { fields: fields, errors: errors, emittedBy: emittedBy, isFormValid: errors.length === 0 && !!(rendered.number && rendered.expiry && rendered.cvv) };
    }
    function field(kind){
      return function(fieldOptions){
        var channel = null;
        return {
          render: function(target){
            if (channel) return Promise.reject(new Error('This card field is already rendered'));
            var host = resolveTarget(target);
            var src = SANDBOX + '/_sandbox/js/card-field.html?field=' + kind + '&uid=' + uid + '&client-id=' + encodeURIComponent(CLIENT_ID)
              + (fieldOptions && fieldOptions.placeholder ? '&placeholder=' + encodeURIComponent(fieldOptions.placeholder) : '');
            channel = new FrameChannel(src, CARD_FIELD_TITLES[kind], 84);
            host.appendChild(channel.frame);
            rendered[kind] = channel;
            var on = { change: 'onChange', focus: 'onFocus', blur: 'onBlur' };
            Object.keys(on).forEach(function(event){
              channel.on(event, function(d){ states[kind] = d.state; if (inputEvents[on[event]]) inputEvents[on[event]](snapshot(CARD_FIELD_KEYS[kind])); });
            });
            channel.on('submit', function(){ if (inputEvents.onInputSubmitRequest) inputEvents.onInputSubmitRequest(snapshot(CARD_FIELD_KEYS[kind])); });
            return channel.ready.then(function(r){ if (r && r.state) states[kind] = r.state; });
          },
          focus: function(){ if (channel) channel.call('focus'); },
          clear: function(){ if (channel) channel.call('clear'); },
          close: function(){ if (channel) { channel.destroy(); channel = null; delete rendered[kind]; delete states[kind]; } return Promise.resolve(); }
        };
      };
    }
    function failure(result){
      var error = new Error(result.message);
      error.details = result.details || [];
      error.isValidationError = result.type === 'validation';
      return error;
    }
    return {
      isEligible: function(){ return true; },
      NumberField: field('number'),
      ExpiryField: field('expiry'),
      CVVField: field('cvv'),
      NameField: field('name'),
      getState: function(){ return Promise.resolve(snapshot()); },
      submit: function(data){
        var number = rendered.number;
        if (!number) return Promise.reject(new Error('CardFields: render the NumberField before submit()'));
        var fields = Object.keys(rendered), orderID = null;
        return number.ready
          .then(function(){ return number.call('submit', { fields: fields }); })
          .then(function(checked){
            if (checked.error) throw failure(checked.error);
            return Promise.resolve(options.createOrder()).then(function(id){
              if (typeof id !== 'string' || !id) throw new Error('createOrder must return the id of an order');
              orderID = id;
              return number.call('submit', { fields: fields, orderID: id, billingAddress: data && data.billingAddress });
            }).then(function(result){
              if (result.error) throw failure(result.error);
              return options.onApprove ? options.onApprove({ orderID: orderID }) : undefined;
            }).catch(function(error){ if (options.onError) options.onError(error); throw error; });
          });
      }
    };
  }
`;
}
