// The panel's HTML shell: strict CSP with a nonce, nothing remote.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, panelHtml } from '../../client/panel/panel-html.js';

describe('panelHtml', () => {
    const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
    const nonce = createNonce();
    const html = panelHtml({ cspSource, nonce, scriptUri: `${cspSource}/ext/out/webview/panel.js`, styleUri: `${cspSource}/ext/out/webview/panel.css` });

    it('allows only nonce scripts and the extension own styles and fonts', () => {
        expect(contentSecurityPolicy(cspSource, nonce)).toBe(
            `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource} 'nonce-${nonce}'; font-src ${cspSource}; img-src ${cspSource} data:`,
        );
        expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}';`);
        expect(html).not.toMatch(/unsafe-inline|unsafe-eval|connect-src/);
    });

    it('loads exactly one script and one stylesheet, both with the nonce, and nothing remote', () => {
        expect(html.match(/<script/g)).toHaveLength(1);
        expect(html).toContain(`<script nonce="${nonce}" src="${cspSource}/ext/out/webview/panel.js"></script>`);
        expect(html).toContain(`<link rel="stylesheet" nonce="${nonce}" href="${cspSource}/ext/out/webview/panel.css">`);
        expect(html.replaceAll(cspSource, '')).not.toMatch(/https?:/);
    });

    it('makes a fresh, unguessable nonce each time', () => {
        expect(createNonce()).not.toBe(createNonce());
        expect(createNonce()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    });
});
