// Opens the block of a component in an editor next to the runtime panel.

import { Position, Range, Uri, ViewColumn, window, workspace } from 'vscode';
import type { ComponentInfo } from '../../protocol/runtime.js';
import { byteColumnToCharacter } from './byte-column.js';

export async function revealComponent(info: ComponentInfo, panelColumn: ViewColumn | undefined): Promise<void> {
    const uri = Uri.file(info.file);
    const document = await workspace.openTextDocument(uri);
    const line = Math.min(Math.max(info.line - 1, 0), document.lineCount - 1);
    const position = new Position(line, byteColumnToCharacter(document.lineAt(line).text, info.column));
    // Reuse an editor that shows the file; never replace the panel itself.
    const visible = window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const column = visible?.viewColumn ?? (panelColumn === ViewColumn.One ? ViewColumn.Two : ViewColumn.One);
    await window.showTextDocument(document, { viewColumn: column, selection: new Range(position, position), preserveFocus: true });
}
