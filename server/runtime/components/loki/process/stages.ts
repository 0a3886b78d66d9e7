// The stages loki.process runs, one file each.

import { decolorizeStage } from './decolorize.js';
import { jsonStage } from './json.js';
import { labelDropStage } from './label-drop.js';
import { labelKeepStage } from './label-keep.js';
import { labelsStage } from './labels.js';
import { logfmtStage } from './logfmt.js';
import { outputStage } from './output.js';
import { regexStage } from './regex.js';
import type { StageDefinition } from './stage.js';
import { staticLabelsStage } from './static-labels.js';
import { structuredMetadataStage } from './structured-metadata.js';

export const STAGES: readonly StageDefinition[] = [
    decolorizeStage,
    jsonStage,
    labelDropStage,
    labelKeepStage,
    labelsStage,
    logfmtStage,
    outputStage,
    regexStage,
    staticLabelsStage,
    structuredMetadataStage,
];
