/**
 * `stripe.confirmPayment({elements, clientSecret?, confirmParams: {return_url}, redirect})` of the
 * Stripe.js stand-in, inside its closure (it uses `Stripe`, `SANDBOX`, `overlay` from there). As
 * with Stripe.js: the Payment Element's frame makes the PaymentMethod (the card stays in the
 * frame), the PaymentIntent is confirmed with the publishable key and its client secret, a
 * 3-D Secure challenge is shown in the page and waited for, and then the customer is sent to
 * `return_url` (`redirect: 'always'`, the default) or the promise resolves with the
 * PaymentIntent (`redirect: 'if_required'`).
 */
export function confirmPaymentScript(): string {
  return `
  function intentId(secret){ return secret.split('_secret_')[0]; }
  function withIntent(url, pi, status){
    var target = new URL(url);
    target.searchParams.set('payment_intent', pi.id);
    target.searchParams.set('payment_intent_client_secret', pi.client_secret);
    target.searchParams.set('redirect_status', status);
    return target.toString();
  }
  function integrationError(message){ return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error', message: message } }); }
  Stripe.prototype._intent = function(secret){
    return fetch(SANDBOX + '/v1/payment_intents/' + encodeURIComponent(intentId(secret)) + '?client_secret=' + encodeURIComponent(secret),
      { headers: { authorization: 'Bearer ' + this._key } }).then(function(r){ return r.json(); });
  };
  /** The challenge in the page, until the PaymentIntent leaves requires_action. */
  Stripe.prototype._challenge = function(pi){
    var self = this, next = pi.next_action;
    var url = next.redirect_to_url ? next.redirect_to_url.url : next.use_stripe_sdk && next.use_stripe_sdk.stripe_js;
    var challenge = overlay(url, '3-D Secure authentication');
    return new Promise(function(resolve){
      var timer = setInterval(function(){
        self._intent(pi.client_secret).then(function(p){
          if (p.status === 'requires_action') return;
          clearInterval(timer); challenge.close(); resolve(p);
        });
      }, 400);
    });
  };
  Stripe.prototype.confirmPayment = function(options){
    var self = this;
    options = options || {};
    var elements = options.elements, confirmParams = options.confirmParams || {};
    var redirect = options.redirect || 'always';
    var secret = options.clientSecret || (elements && elements._clientSecret);
    if (!elements || typeof elements.getElement !== 'function')
      return integrationError('confirmPayment takes the elements group the Payment Element was created from (elements).');
    if (typeof secret !== 'string' || secret.indexOf('_secret_') < 0)
      return integrationError('confirmPayment needs the PaymentIntent client secret: pass clientSecret here or to stripe.elements({clientSecret}).');
    if (redirect !== 'always' && redirect !== 'if_required')
      return integrationError("redirect must be 'always' or 'if_required'.");
    if (redirect === 'always' && !confirmParams.return_url)
      return integrationError('confirmParams.return_url is required when redirect is always.');
    var element = elements.getElement('payment') || elements.getElement('card');
    if (!element || !element._channel)
      return integrationError('Mount the Payment Element before calling confirmPayment.');
    var billing = confirmParams.payment_method_data && confirmParams.payment_method_data.billing_details;
    return element._channel.ready
      .then(function(){ return element._channel.call('tokenize', { billingName: (billing && billing.name) || '' }); })
      .then(function(made){
        if (made.error) return { error: made.error };
        var body = new URLSearchParams({ client_secret: secret, payment_method: made.paymentMethod.id });
        if (confirmParams.return_url) body.set('return_url', confirmParams.return_url);
        return fetch(SANDBOX + '/v1/payment_intents/' + encodeURIComponent(intentId(secret)) + '/confirm', {
          method: 'POST', body: body,
          headers: { authorization: 'Bearer ' + self._key, 'content-type': 'application/x-www-form-urlencoded' } })
          .then(function(r){ return r.json(); })
          .then(function(answer){
            if (answer.error) return { error: answer.error };
            return answer.status === 'requires_action' && answer.next_action ? self._challenge(answer) : answer;
          })
          .then(function(pi){
            if (pi.error && !pi.id) return pi;
            if (pi.last_payment_error && pi.status === 'requires_payment_method')
              return { error: Object.assign({}, pi.last_payment_error, { payment_intent: pi }) };
            if (redirect === 'always') {
              window.location.assign(withIntent(confirmParams.return_url, pi, pi.status === 'succeeded' || pi.status === 'requires_capture' || pi.status === 'processing' ? 'succeeded' : 'failed'));
              return new Promise(function(){});
            }
            return { paymentIntent: pi };
          });
      });
  };
`;
}
