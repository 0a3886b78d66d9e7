// A tiny element factory for the panel's views.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
}

/** A @vscode-elements button (registered by main.ts). */
export function button(label: string, onClick: () => void, options: { secondary?: boolean; title?: string } = {}): HTMLElement {
    const b = document.createElement('vscode-button');
    b.textContent = label;
    if (options.secondary) b.setAttribute('secondary', '');
    if (options.title) b.title = options.title;
    b.addEventListener('click', () => {
        if (!b.hasAttribute('disabled')) onClick();
    });
    return b;
}

export function setDisabled(element: HTMLElement, disabled: boolean): void {
    element.toggleAttribute('disabled', disabled);
}

/** The last path segment, for showing a file without its folders. */
export function baseName(path: string): string {
    return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
