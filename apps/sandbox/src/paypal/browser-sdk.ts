import { frameChannelScript } from '../kit';
import { cardFieldsScript } from './card-fields';

/**
 * The sandbox's stand-in for PayPal's JS SDK (`/sdk/js?client-id=…`), for what a checkout
 * uses: `paypal.Buttons({createOrder, onApprove, onCancel, onError}).render(target)` with
 * `actions.order.create(…)`. The button is an iframe on the sandbox's origin, which creates the
 * order; the buyer approves it in an overlay served by the sandbox, and `onApprove` gets
 * `{orderID, payerID}`. With `components=card-fields` (as with PayPal's script) it also has
 * `paypal.CardFields(…)`, the card fields of `card-fields.ts`.
 */
export function paypalJs(origin: string, clientId: string): string {
  return `/* Payrail's PayPal sandbox: a stand-in for the PayPal JS SDK (sandbox only) */
(function(){
  ${frameChannelScript(origin)}
  var CLIENT_ID = ${JSON.stringify(clientId)};
  var SCRIPT = document.currentScript && document.currentScript.src ? new URL(document.currentScript.src) : null;
  var COMPONENTS = ((SCRIPT && SCRIPT.searchParams.get('components')) || 'buttons').split(',');
  ${cardFieldsScript()}
  function Buttons(options){
    options = options || {};
    var rendered = null;
    return {
      isEligible: function(){ return true; },
      render: function(target){
        var host = resolveTarget(target);
        var channel = new FrameChannel(SANDBOX + '/_sandbox/js/buttons.html?client-id=' + encodeURIComponent(CLIENT_ID), 'PayPal', 56);
        host.appendChild(channel.frame);
        rendered = channel;
        var actions = { order: { create: function(order){
          return channel.call('create-order', order).then(function(r){ if (r.error) throw new Error(r.error.message); return r.id; });
        } } };
        channel.on('click', function(){
          if (options.onClick) options.onClick({ fundingSource: 'paypal' }, {});
          Promise.resolve(options.createOrder ? options.createOrder({ paymentSource: 'paypal' }, actions) : Promise.reject(new Error('createOrder is required')))
            .then(function(orderID){ return approve(orderID); })
            .then(function(result){
              if (result.approved) return options.onApprove && options.onApprove({ orderID: result.orderID, payerID: result.payerID, paymentSource: 'paypal' }, {});
              if (options.onCancel) options.onCancel({ orderID: result.orderID });
            })
            .catch(function(err){ if (options.onError) options.onError(err); });
        });
        return channel.ready.then(function(){ return undefined; });
      },
      close: function(){ if (rendered) rendered.destroy(); return Promise.resolve(); }
    };
  }
  function approve(orderID){
    var win = overlay(SANDBOX + '/_sandbox/js/approve.html?token=' + encodeURIComponent(orderID), 'PayPal: approve the payment');
    return new Promise(function(resolve){
      function done(e){
        if (e.origin !== SANDBOX || e.source !== win.frame.contentWindow || !e.data || !e.data.event) return;
        window.removeEventListener('message', done); win.close();
        resolve({ approved: e.data.event === 'approved', orderID: orderID, payerID: e.data.payerID });
      }
      window.addEventListener('message', done);
    });
  }
  window.paypal = { version: 'payrail-sandbox' };
  if (COMPONENTS.indexOf('buttons') >= 0) window.paypal.Buttons = Buttons;
  if (COMPONENTS.indexOf('card-fields') >= 0) window.paypal.CardFields = CardFields;
})();
`;
}

/** The PayPal button inside its frame: a click goes to the page; the order is created from here. */
export function paypalButtonsFrame(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal</title><style>
body{margin:0}button{width:100%;height:48px;border:0;border-radius:6px;background:#ffc439;color:#003087;font:700 17px system-ui,sans-serif;cursor:pointer}
button:focus{outline:3px solid #003087;outline-offset:2px}</style></head><body>
<button id="pay" type="button" aria-label="Pay with PayPal">PayPal</button><script>
(function(){
  var parentOrigin = null;
  var clientId = new URLSearchParams(location.search).get('client-id') || '';
  document.getElementById('pay').addEventListener('click', function(){ if (parentOrigin) window.parent.postMessage({ event: 'click' }, parentOrigin); });
  window.addEventListener('message', async function(e){
    if (e.source !== window.parent || !e.data || typeof e.data.rpc !== 'number') return;
    if (parentOrigin === null) parentOrigin = e.origin;
    if (e.origin !== parentOrigin) return;
    var reply = function(result){ window.parent.postMessage({ rpc: e.data.rpc, result: result }, parentOrigin); };
    if (e.data.op === 'hello') return reply({ ready: true });
    if (e.data.op === 'create-order') {
      var res = await fetch('/_sandbox/js/orders', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Object.assign({ intent: 'CAPTURE' }, e.data.extra, { client_id: clientId })) });
      var json = await res.json();
      reply(res.ok ? { id: json.id } : { error: { message: json.message || 'the order could not be created' } });
    }
  });
})();
</script></body></html>`;
}

/** The buyer's approval, in the overlay: approving tells the page that opened it. */
export function paypalApprovalFrame(order: { id: string; amount: string; currency: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal sandbox: approve the payment</title><style>
body{font:16px system-ui,sans-serif;margin:24px;color:#1a1a1a}h1{font-size:20px;color:#003087}button{font:inherit;padding:10px 16px;margin:6px 6px 0 0;border-radius:6px;border:1px solid #003087}
#approve{background:#0070ba;color:#fff}</style></head><body>
<h1>PayPal sandbox</h1><p>Pay <strong>${order.amount} ${order.currency}</strong> as the sandbox buyer (order ${order.id}).</p>
<button id="approve" type="button">Approve as sandbox buyer</button><button id="cancel" type="button">Cancel</button>
<p id="status" role="status" aria-live="polite"></p><script>
(function(){
  var id = ${JSON.stringify(order.id)};
  document.getElementById('approve').focus();
  document.getElementById('approve').addEventListener('click', async function(){
    var res = await fetch('/_sandbox/orders/' + id + '/approve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    var order = await res.json();
    if (!res.ok) { document.getElementById('status').textContent = order.message || 'The order could not be approved.'; return; }
    var payer = order.payment_source && order.payment_source.paypal && order.payment_source.paypal.account_id;
    window.parent.postMessage({ event: 'approved', payerID: payer || '' }, '*');
  });
  document.getElementById('cancel').addEventListener('click', function(){ window.parent.postMessage({ event: 'cancelled' }, '*'); });
})();
</script></body></html>`;
}
