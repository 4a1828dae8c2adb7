import { CARD_FIELDS, cardFramePage, frameChannelScript } from '../kit';
import { confirmPaymentScript } from './confirm-payment';

/**
 * The sandbox's stand-in for Stripe.js v3, for the part of it a checkout uses: `Stripe(pk)`,
 * `elements()`, `create('card' | 'payment')` with `mount`, `on`, `focus`, `clear`, `unmount`,
 * `destroy`, `createPaymentMethod`, `handleNextAction` (the 3-D Secure challenge in an
 * overlay) and `confirmPayment` (`confirm-payment.ts`). The card form is an iframe on the sandbox's origin that creates the PaymentMethod
 * with the publishable key, as Stripe's own frame does; the page gets its id only.
 */
export function stripeJs(origin: string): string {
  return `/* Payrail's Stripe sandbox: a stand-in for Stripe.js v3 (test mode only) */
(function(){
  ${frameChannelScript(origin)}
  function Stripe(key, options){
    if (!(this instanceof Stripe)) return new Stripe(key, options);
    if (typeof key !== 'string' || !/^pk_(test|live)_[A-Za-z0-9]+$/.test(key))
      throw new Error('Invalid API Key provided: Stripe() takes a publishable key (pk_test_…)');
    this._key = key;
  }
  function Element(stripe, type){ this._stripe = stripe; this._type = type; this._channel = null; this._handlers = {}; }
  Element.prototype.on = function(event, handler){ (this._handlers[event] = this._handlers[event] || []).push(handler); return this; };
  Element.prototype.off = function(event, handler){ this._handlers[event] = (this._handlers[event] || []).filter(function(h){ return h !== handler; }); return this; };
  Element.prototype._emit = function(event, payload){ (this._handlers[event] || []).forEach(function(h){ h(payload); }); };
  Element.prototype.mount = function(target){
    var self = this, host = resolveTarget(target);
    if (this._channel) throw new Error('This Element is already mounted');
    var src = SANDBOX + '/js/v3/elements-inner-card.html?element=' + this._type + '&key=' + encodeURIComponent(this._stripe._key);
    var channel = new FrameChannel(src, 'Secure card payment input frame', this._type === 'payment' ? 130 : 80);
    host.appendChild(channel.frame);
    this._channel = channel;
    ['change', 'focus', 'blur'].forEach(function(event){
      channel.on(event, function(d){ self._emit(event, { elementType: self._type, complete: !!d.complete, empty: !!d.empty, brand: d.brand }); });
    });
    channel.on('submit', function(){ self._emit('submit', { elementType: self._type }); });
    channel.ready.then(function(){ self._emit('ready', { elementType: self._type }); });
  };
  Element.prototype.focus = function(){ if (this._channel) this._channel.call('focus'); };
  Element.prototype.clear = function(){ if (this._channel) this._channel.call('clear'); };
  Element.prototype.unmount = function(){ if (this._channel) { this._channel.destroy(); this._channel = null; } };
  Element.prototype.destroy = function(){ this.unmount(); this._handlers = {}; };
  Stripe.prototype.elements = function(options){
    var stripe = this, created = {};
    return {
      _clientSecret: options && options.clientSecret,
      create: function(type){
        if (type !== 'card' && type !== 'payment') throw new Error('This sandbox serves the card and payment Elements, not ' + type);
        if (created[type]) throw new Error('Can only create one Element of type ' + type);
        return (created[type] = new Element(stripe, type));
      },
      getElement: function(type){ return created[type] || null; },
      /** Checks what was typed (deferred intents: before the PaymentIntent is made); creates nothing. */
      submit: function(){
        var element = created.payment || created.card;
        if (!element || !element._channel) return Promise.resolve({ error: { type: 'validation_error', message: 'Mount the Payment Element before calling elements.submit().' } });
        return element._channel.ready.then(function(){ return element._channel.call('validate'); }).then(function(r){ return r.error ? { error: r.error } : {}; });
      }
    };
  };
  Stripe.prototype.createPaymentMethod = function(params){
    params = params || {};
    var element = params.card || params.element || (params.elements && (params.elements.getElement('payment') || params.elements.getElement('card')));
    if (!element || !element._channel)
      return Promise.resolve({ error: { type: 'validation_error', message: 'Mount a card Element before creating a PaymentMethod.' } });
    var name = params.billing_details && params.billing_details.name;
    return element._channel.ready.then(function(){ return element._channel.call('tokenize', { billingName: name || '' }); }).then(function(r){
      return r.error ? { error: r.error } : { paymentMethod: r.paymentMethod };
    });
  };
  Stripe.prototype.handleNextAction = function(params){
    var key = this._key, secret = params && params.clientSecret;
    if (typeof secret !== 'string' || secret.indexOf('_secret_') < 0)
      return Promise.resolve({ error: { type: 'invalid_request_error', message: 'handleNextAction takes the PaymentIntent client secret' } });
    var id = secret.split('_secret_')[0];
    var get = function(){
      return fetch(SANDBOX + '/v1/payment_intents/' + encodeURIComponent(id) + '?client_secret=' + encodeURIComponent(secret), { headers: { authorization: 'Bearer ' + key } }).then(function(r){ return r.json(); });
    };
    return get().then(function(pi){
      if (pi.error) return { error: pi.error };
      if (pi.status !== 'requires_action' || !pi.next_action) return { paymentIntent: pi };
      var next = pi.next_action;
      var url = next.redirect_to_url ? next.redirect_to_url.url : next.use_stripe_sdk && next.use_stripe_sdk.stripe_js;
      var challenge = overlay(url, '3-D Secure authentication');
      return new Promise(function(resolve){
        var timer = setInterval(function(){
          get().then(function(p){
            if (p.status === 'requires_action') return;
            clearInterval(timer); challenge.close();
            resolve(p.last_payment_error ? { error: p.last_payment_error, paymentIntent: p } : { paymentIntent: p });
          });
        }, 400);
      });
    });
  };
  ${confirmPaymentScript()}
  Stripe.version = 3;
  window.Stripe = Stripe;
})();
`;
}

/** The card form inside the Element's iframe: it creates the PaymentMethod itself. */
export function stripeCardFrame(): string {
  return cardFramePage({
    title: 'Secure card payment input frame',
    fields: [CARD_FIELDS.number, CARD_FIELDS.expiry, CARD_FIELDS.cvc],
    accent: '#635bff',
    tokenize: `
      var key = new URLSearchParams(location.search).get('key') || '';
      var body = new URLSearchParams({ type: 'card', 'card[number]': card.number, 'card[exp_month]': String(card.expMonth),
        'card[exp_year]': String(card.expYear), 'card[cvc]': card.cvc });
      var res = await fetch('/v1/payment_methods', { method: 'POST', body: body,
        headers: { authorization: 'Bearer ' + key, 'content-type': 'application/x-www-form-urlencoded' } });
      var pm = await res.json();
      if (pm.error) return { error: { type: pm.error.type, code: pm.error.code, message: pm.error.message } };
      return { paymentMethod: { id: pm.id, object: 'payment_method', type: 'card',
        card: { brand: pm.card.brand, last4: pm.card.last4, exp_month: pm.card.exp_month, exp_year: pm.card.exp_year } } };`,
  });
}
