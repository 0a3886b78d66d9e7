// stage.decolorize (Alloy's stages/decolorize.go): strips ANSI colour and control sequences from the line,
// with the same pattern (from github.com/acarl005/stripansi).

import type { StageDefinition } from './stage.js';

const ANSI = /[\u001B\u009B][[\]()#;?]*(?:(?:(?:[a-zA-Z\d]*(?:;[a-zA-Z\d]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PRZcf-ntqry=><~]))/g;

export const decolorizeStage: StageDefinition = {
    name: 'decolorize',
    attributes: [],
    build() {
        return {
            run(e, next) {
                e.line = e.line.replace(ANSI, '');
                next(e);
            },
        };
    },
};
