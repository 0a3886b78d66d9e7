// The runtime panel's HTML shell. Pure: the CSP is unit-tested. Everything the page shows is
// built by the bundled script; the shell only loads it under a strict Content Security Policy:
// nothing by default, scripts only with this load's nonce, styles and fonts only from the
// extension's own webview resources, no network access (the host fetches and posts data).

import { randomBytes } from 'node:crypto';

export interface PanelResources {
    /** `webview.cspSource`. */
    readonly cspSource: string;
    /** `webview.asWebviewUri(...)` of out/webview/panel.js and panel.css, as strings. */
    readonly scriptUri: string;
    readonly styleUri: string;
    readonly nonce: string;
}

export function createNonce(): string {
    return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
    return [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src ${cspSource} 'nonce-${nonce}'`,
        `font-src ${cspSource}`,
        `img-src ${cspSource} data:`,
    ].join('; ');
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(r: PanelResources): string {
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(r.cspSource, r.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${escapeAttribute(r.nonce)}" href="${escapeAttribute(r.styleUri)}">
<title>flowlens runtime</title>
</head>
<body>
<script nonce="${escapeAttribute(r.nonce)}" src="${escapeAttribute(r.scriptUri)}"></script>
</body>
</html>
`;
}
