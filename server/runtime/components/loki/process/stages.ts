// The stages loki.process runs, one file each.

import { criStage } from './cri.js';
import { decolorizeStage } from './decolorize.js';
import { dockerStage } from './docker.js';
import { dropStage } from './drop.js';
import { eventLogMessageStage } from './eventlogmessage.js';
import { jsonStage } from './json.js';
import { labelDropStage } from './label-drop.js';
import { labelKeepStage } from './label-keep.js';
import { labelsStage } from './labels.js';
import { limitStage } from './limit.js';
import { logfmtStage } from './logfmt.js';
import { matchStage } from './match.js';
import { metricsStage } from './metrics.js';
import { multilineStage } from './multiline.js';
import { outputStage } from './output.js';
import { packStage } from './pack.js';
import { regexStage } from './regex.js';
import { replaceStage } from './replace.js';
import type { StageDefinition } from './stage.js';
import { samplingStage } from './sampling.js';
import { staticLabelsStage } from './static-labels.js';
import { structuredMetadataStage } from './structured-metadata.js';
import { templateStage } from './template.js';
import { tenantStage } from './tenant.js';
import { timestampStage } from './timestamp.js';

export const STAGES: readonly StageDefinition[] = [
    criStage,
    decolorizeStage,
    dockerStage,
    dropStage,
    eventLogMessageStage,
    jsonStage,
    labelDropStage,
    labelKeepStage,
    labelsStage,
    limitStage,
    logfmtStage,
    matchStage,
    metricsStage,
    multilineStage,
    outputStage,
    packStage,
    regexStage,
    replaceStage,
    samplingStage,
    staticLabelsStage,
    structuredMetadataStage,
    templateStage,
    tenantStage,
    timestampStage,
];
