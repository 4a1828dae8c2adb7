import type { ServerResponse } from 'node:http';

/**
 * What the sandboxes' stand-ins for the gateways' browser SDKs share: how a file is sent, and
 * the card form each renders in its own iframe on the sandbox's origin. The page holding the
 * iframe never sees what is typed: the frame tokenizes with its own sandbox (same origin) and
 * posts only the token to its parent, as the gateways' hosted fields do.
 */
export function sendBrowserFile(res: ServerResponse, type: 'js' | 'html', body: string): void {
  res.writeHead(200, {
    'content-type': type === 'js' ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  });
  res.end(body);
}

export interface CardFrameField {
  id: string;
  label: string;
  autocomplete: string;
  inputmode?: 'numeric' | 'text';
  placeholder?: string;
  maxlength: number;
}

export const CARD_FIELDS: Record<'number' | 'expiry' | 'cvc' | 'postal' | 'name', CardFrameField> = {
  number: {
    id: 'number',
    label: 'Card number',
    autocomplete: 'cc-number',
    inputmode: 'numeric',
    placeholder: '1234 1234 1234 1234',
    maxlength: 23,
  },
  expiry: {
    id: 'expiry',
    label: 'Expiry date (MM / YY)',
    autocomplete: 'cc-exp',
    inputmode: 'numeric',
    placeholder: 'MM / YY',
    maxlength: 7,
  },
  cvc: {
    id: 'cvc',
    label: 'Security code',
    autocomplete: 'cc-csc',
    inputmode: 'numeric',
    placeholder: 'CVC',
    maxlength: 4,
  },
  postal: {
    id: 'postal',
    label: 'Postal code',
    autocomplete: 'postal-code',
    inputmode: 'text',
    placeholder: '12345',
    maxlength: 10,
  },
  name: {
    id: 'name',
    label: 'Name on card',
    autocomplete: 'cc-name',
    inputmode: 'text',
    placeholder: 'Name on card',
    maxlength: 100,
  },
};

/**
 * A card form page. `tokenize` is the body of an async JS function of `(card)` — `card` has
 * `number`, `expMonth`, `expYear`, `cvc`, `postal`, `name` — returning what the parent gets
 * (`{ token, … }` or `{ error: { message, field? } }`), posting only to the frame's own origin.
 */
export function cardFramePage(options: {
  title: string;
  fields: CardFrameField[];
  tokenize: string;
  accent?: string;
}): string {
  const inputs = options.fields
    .map(
      (f) =>
        `<div class="f"><label for="${f.id}">${f.label}</label><input id="${f.id}" name="${f.id}" autocomplete="${f.autocomplete}" inputmode="${f.inputmode ?? 'text'}" placeholder="${f.placeholder ?? ''}" maxlength="${f.maxlength}" aria-describedby="err" spellcheck="false"></div>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${options.title}</title><style>
body{margin:0;font:15px system-ui,sans-serif;color:#1a1a1a}form{display:flex;flex-wrap:wrap;gap:8px}
.f{display:flex;flex-direction:column;flex:1 1 140px}label{font-size:13px;margin-bottom:2px}
input{font:inherit;padding:8px;border:1px solid #8a8a8a;border-radius:4px}input:focus{outline:2px solid ${options.accent ?? '#0a66c2'};outline-offset:1px}
input[aria-invalid=true]{border-color:#b00020}#err{color:#b00020;font-size:13px;min-height:1em;flex-basis:100%;margin:0}
</style></head><body><form id="form" novalidate>${inputs}<p id="err" role="alert" aria-live="polite"></p></form><script>
(function(){
  var parentOrigin = null;
  var $ = function(id){ return document.getElementById(id); };
  var value = function(id){ var el = $(id); return el ? el.value.trim() : ''; };
  function card(){
    var exp = value('expiry').replace(/\\s/g,'').split('/');
    var year = Number(exp[1] || 0);
    return { number: value('number').replace(/[\\s-]/g,''), expMonth: Number(exp[0] || 0), expYear: year < 100 ? 2000 + year : year,
      cvc: value('cvc'), postal: value('postal'), name: value('name') };
  }
  function luhn(n){ var s=0, alt=false; for (var i=n.length-1;i>=0;i--){ var d=+n[i]; if(alt){d*=2; if(d>9)d-=9;} s+=d; alt=!alt; } return n.length>=13 && s%10===0; }
  function problem(c){
    if (!/^\\d{13,19}$/.test(c.number) || !luhn(c.number)) return { field: 'number', message: 'Your card number is incomplete or invalid.' };
    if ($('expiry')) { var now = new Date();
      if (!(c.expMonth>=1 && c.expMonth<=12) || c.expYear < now.getFullYear() || (c.expYear===now.getFullYear() && c.expMonth < now.getMonth()+1))
        return { field: 'expiry', message: "Your card's expiry date is incomplete or in the past." }; }
    if ($('cvc') && !/^\\d{3,4}$/.test(c.cvc)) return { field: 'cvc', message: "Your card's security code is incomplete." };
    if ($('postal') && !c.postal) return { field: 'postal', message: 'Your postal code is incomplete.' };
    return null;
  }
  function post(msg){ if (parentOrigin) window.parent.postMessage(msg, parentOrigin); }
  function show(p){
    Array.prototype.forEach.call(document.querySelectorAll('input'), function(i){ i.removeAttribute('aria-invalid'); });
    $('err').textContent = p ? p.message : '';
    if (p && $(p.field)) $(p.field).setAttribute('aria-invalid','true');
  }
  document.addEventListener('input', function(){
    var c = card(); var p = problem(c);
    post({ event: 'change', complete: !p, empty: !c.number, brand: /^4/.test(c.number) ? 'visa' : /^5[1-5]|^2[2-7]/.test(c.number) ? 'mastercard' : /^3[47]/.test(c.number) ? 'amex' : 'unknown' });
  });
  document.addEventListener('focusin', function(){ post({ event: 'focus' }); });
  document.addEventListener('focusout', function(){ post({ event: 'blur' }); });
  $('form').addEventListener('submit', function(e){ e.preventDefault(); post({ event: 'submit' }); });
  var tokenize = async function(card){ ${options.tokenize} };
  window.addEventListener('message', async function(e){
    if (e.source !== window.parent || !e.data || typeof e.data.rpc !== 'number') return;
    if (parentOrigin === null) parentOrigin = e.origin;
    if (e.origin !== parentOrigin) return;
    var reply = function(result){ window.parent.postMessage({ rpc: e.data.rpc, result: result }, parentOrigin); };
    if (e.data.op === 'hello') { reply({ ready: true }); return; }
    if (e.data.op === 'focus') { var first = document.querySelector('input'); if (first) first.focus(); reply({}); return; }
    if (e.data.op === 'clear') { Array.prototype.forEach.call(document.querySelectorAll('input'), function(i){ i.value=''; }); show(null); reply({}); return; }
    if (e.data.op === 'validate') { var v = problem(card()); show(v); reply(v ? { error: { type: 'validation_error', field: v.field, message: v.message } } : {}); if (v && $(v.field)) $(v.field).focus(); return; }
    if (e.data.op === 'tokenize') {
      var c = card(); var p = problem(c); show(p);
      if (p) { reply({ error: { type: 'validation_error', field: p.field, message: p.message } }); if ($(p.field)) $(p.field).focus(); return; }
      try { var result = await tokenize(Object.assign(c, e.data.extra || {})); if (result && result.error) show(result.error); reply(result); }
      catch (err) { reply({ error: { type: 'api_error', message: 'The card could not be checked. Please try again.' } }); }
    }
  });
})();
</script></body></html>`;
}

/**
 * The parent-side half shared by the stand-ins: an iframe on the sandbox origin and a small
 * request/answer channel over postMessage that accepts answers from that frame only.
 */
export function frameChannelScript(sandboxOrigin: string): string {
  return `
  var SANDBOX = ${JSON.stringify(sandboxOrigin)};
  function resolveTarget(target){
    var el = typeof target === 'string' ? document.querySelector(target) : target;
    if (!el) throw new Error('mount target not found: ' + target);
    return el;
  }
  function FrameChannel(src, title, height){
    var self = this; this.seq = 0; this.waiting = {}; this.listeners = {};
    this.frame = document.createElement('iframe');
    this.frame.src = src; this.frame.title = title; this.frame.setAttribute('allow', 'payment');
    this.frame.style.cssText = 'border:0;width:100%;height:' + (height || 80) + 'px;display:block';
    this.ready = new Promise(function(resolve){ self.frame.addEventListener('load', function(){ resolve(self.call('hello')); }); });
    this.onMessage = function(e){
      if (e.origin !== SANDBOX || e.source !== self.frame.contentWindow || !e.data) return;
      if (typeof e.data.rpc === 'number' && self.waiting[e.data.rpc]) { self.waiting[e.data.rpc](e.data.result); delete self.waiting[e.data.rpc]; return; }
      if (e.data.event) (self.listeners[e.data.event] || []).forEach(function(fn){ fn(e.data); });
    };
    window.addEventListener('message', this.onMessage);
  }
  FrameChannel.prototype.call = function(op, extra){
    var self = this, id = ++this.seq;
    return new Promise(function(resolve){ self.waiting[id] = resolve; self.frame.contentWindow.postMessage({ rpc: id, op: op, extra: extra }, SANDBOX); });
  };
  FrameChannel.prototype.on = function(event, fn){ (this.listeners[event] = this.listeners[event] || []).push(fn); };
  FrameChannel.prototype.destroy = function(){ window.removeEventListener('message', this.onMessage); if (this.frame.parentNode) this.frame.parentNode.removeChild(this.frame); };
  function overlay(src, title){
    var back = document.createElement('div');
    back.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647';
    var frame = document.createElement('iframe');
    frame.src = src; frame.title = title;
    frame.style.cssText = 'border:0;background:#fff;width:min(420px,94vw);height:min(520px,90vh);border-radius:8px';
    back.appendChild(frame); document.body.appendChild(back); frame.focus();
    return { frame: frame, close: function(){ if (back.parentNode) back.parentNode.removeChild(back); } };
  }
`;
}
