/** The component's look, as a constructed stylesheet: no inline style, so a strict CSP needs nothing for it. */
const RULES = `
payrail-checkout{display:block;max-width:480px;font:16px system-ui,sans-serif;color:#1a1a1a}
.payrail-form{display:flex;flex-direction:column;gap:12px}
.payrail-amount{font-size:18px;font-weight:600;margin:0}
.payrail-fields{min-height:48px}
.payrail-card-field{margin-bottom:4px}
.payrail-pay{font:inherit;font-weight:600;padding:12px;border:0;border-radius:6px;background:#1b4dd8;color:#fff;cursor:pointer}
.payrail-pay:focus-visible{outline:3px solid #0b2a80;outline-offset:2px}
.payrail-pay[disabled]{opacity:.6;cursor:progress}
.payrail-error{color:#a1001b;margin:0;min-height:1.2em}
.payrail-status{margin:0;min-height:1.2em}
.payrail-challenge{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;z-index:2147483646}
.payrail-challenge iframe{border:0;background:#fff;width:min(440px,94vw);height:min(560px,80vh);border-radius:8px}
.payrail-challenge button{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid #fff;background:transparent;color:#fff}
`;

let installed = false;

export function installStyles(): void {
  if (installed) return;
  installed = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(RULES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
