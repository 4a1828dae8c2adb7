import { CARD_FIELDS, cardFramePage, frameChannelScript } from '../kit';

/**
 * The sandbox's stand-in for Square's Web Payments SDK, for what a checkout uses:
 * `Square.payments(applicationId, locationId)`, `payments.card()`, `card.attach(target)`,
 * `card.tokenize()` (→ `{status: 'OK', token: 'cnon:…', details}` or `{status: 'Invalid',
 * errors}`), `card.focus`, `card.clear`, `card.destroy`. The card form is an iframe on the
 * sandbox's origin that asks the sandbox for a one-time nonce, as Square's own frame does.
 */
export function squareJs(origin: string, account: { applicationId: string; locationId: string }): string {
  return `/* Payrail's Square sandbox: a stand-in for the Web Payments SDK (sandbox mode only) */
(function(){
  ${frameChannelScript(origin)}
  var APPLICATION_ID = ${JSON.stringify(account.applicationId)}, LOCATION_ID = ${JSON.stringify(account.locationId)};
  function Card(){ this._channel = null; this._listeners = {}; }
  Card.prototype.attach = function(target){
    var self = this, host = resolveTarget(target);
    if (this._channel) return Promise.reject(new Error('The card is already attached'));
    var channel = new FrameChannel(SANDBOX + '/v1/card-frame.html', 'Card payment form', 80);
    host.appendChild(channel.frame);
    this._channel = channel;
    channel.on('change', function(d){ (self._listeners['cardBrandChanged'] || []).forEach(function(fn){ fn({ detail: { cardBrand: d.brand } }); }); });
    channel.on('submit', function(){ (self._listeners['submit'] || []).forEach(function(fn){ fn({}); }); });
    return channel.ready.then(function(){ return undefined; });
  };
  Card.prototype.addEventListener = function(event, fn){ (this._listeners[event] = this._listeners[event] || []).push(fn); };
  Card.prototype.focus = function(){ return this._channel ? this._channel.call('focus') : Promise.resolve(); };
  Card.prototype.clear = function(){ return this._channel ? this._channel.call('clear') : Promise.resolve(); };
  Card.prototype.tokenize = function(){
    if (!this._channel) return Promise.reject(new Error('Attach the card before tokenizing it'));
    return this._channel.call('tokenize').then(function(r){
      if (r.error) return { status: 'Invalid', errors: [{ type: 'VALIDATION_ERROR', field: r.error.field || 'cardNumber', message: r.error.message }] };
      return { status: 'OK', token: r.token, details: r.details };
    });
  };
  Card.prototype.destroy = function(){ if (this._channel) { this._channel.destroy(); this._channel = null; } return Promise.resolve(true); };
  window.Square = {
    payments: function(applicationId, locationId){
      if (applicationId !== APPLICATION_ID) throw new Error('InvalidApplicationIdError: ' + applicationId + ' is not this sandbox application (' + APPLICATION_ID + ')');
      if (locationId !== LOCATION_ID) throw new Error('InvalidLocationIdError: ' + locationId + ' is not a location of this sandbox');
      return { card: function(){ return Promise.resolve(new Card()); } };
    }
  };
})();
`;
}

/** The card form inside the frame: it asks the sandbox for a nonce (`POST /_sandbox/nonces`). */
export function squareCardFrame(): string {
  return cardFramePage({
    title: 'Card payment form',
    fields: [CARD_FIELDS.number, CARD_FIELDS.expiry, CARD_FIELDS.cvc, CARD_FIELDS.postal],
    accent: '#006aff',
    tokenize: `
      var res = await fetch('/_sandbox/nonces', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card_number: card.number, cvv: card.cvc, postal_code: card.postal, exp_month: card.expMonth, exp_year: card.expYear }) });
      var json = await res.json();
      if (json.errors) return { error: { field: 'number', message: 'Your card could not be checked: ' + json.errors[0].detail } };
      return { token: json.nonce, details: { method: 'Card', card: { brand: String(json.card.card_brand), last4: json.card.last_4,
        expMonth: json.card.exp_month, expYear: json.card.exp_year } } };`,
  });
}
